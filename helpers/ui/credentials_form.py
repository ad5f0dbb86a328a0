"""Notebook 01's form: bring an access key pair in (typed, CSV, or a saved profile), prove it, save it.

Only logic functions are called here (``helpers.credentials``); the secret field and the
uploaded file are emptied as soon as they are read, and every box that could have received a
secret by mistake (key ID, secret, token, region) is emptied after each attempt, whatever happens.
No message quotes what was typed. Each result replaces the last in one ``ResultBox``.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from helpers import account as account_logic
from helpers import credentials as logic
from helpers.account import Account
from helpers.errors import WalkthroughError, cell_guard, explain
from helpers.ui.result import ResultBox, rich_html

TYPE, CSV, PROFILE = "type", "csv", "profile"
NOT_A_REGION = "The Region box does not hold an AWS region name: type one such as us-east-1, or leave it empty."
BAD_REGION = (
    "The Region box does not hold an AWS region name (it was emptied, in case a key was pasted there): "
    "type one such as us-east-1 or eu-west-1, or leave it empty."
)
_NO_PROFILES = "(no saved profiles in these files yet)"


def _css(widget: widgets.Widget, part: str) -> widgets.Widget:
    widget.add_class(f"aml-cred-{part}")
    return widget


class CredentialsForm(widgets.VBox):
    """Type, import or pick credentials; "Check and save" runs shape check, STS proof, then the save."""

    def __init__(self, account: Account | None = None) -> None:
        self._account = account or account_logic.current_account()
        self._just_saved: str | None = None
        self._files = self._account.files()
        wide = {"description_width": "11em"}
        layout = widgets.Layout(width="36em")

        self._mode = _css(
            widgets.ToggleButtons(
                options=[("Type the keys", TYPE), ("Import the CSV file", CSV), ("Use a saved profile", PROFILE)],
                value=TYPE,
            ),
            "mode",
        )
        self._key_id = _css(
            widgets.Text(description="Access key ID", placeholder="AKIA…", style=wide, layout=layout), "key-id"
        )
        self._secret = _css(
            widgets.Password(description="Secret access key", placeholder="40 characters", style=wide, layout=layout),
            "secret",
        )
        self._token = _css(
            widgets.Password(
                description="Session token", placeholder="only for temporary ASIA… keys", style=wide, layout=layout
            ),
            "token",
        )
        type_box = widgets.VBox([self._key_id, self._secret, self._token])

        self._upload = _css(
            widgets.FileUpload(
                accept=".csv", multiple=False, description="Choose the CSV file", layout=widgets.Layout(width="auto")
            ),
            "upload",
        )
        csv_children: list[widgets.Widget] = [
            widgets.HTML(
                "The file AWS offered when the key was created: <code>accessKeys.csv</code> or "
                "<code>rootkey.csv</code>."
            ),
            self._upload,
        ]
        self._handed = None
        if self._account.practice:
            self._handed = _css(
                widgets.Button(
                    description="Use the root key I created (rootkey.csv)",
                    icon="key",
                    layout=widgets.Layout(width="auto"),
                ),
                "handed",
            )
            self._handed.on_click(self._on_handed)
            csv_children.append(self._handed)
            handed = self._account.source.handed_over_keys()
            if handed is not None:
                # Only the path: the learner may open the file and paste, as from a real console download.
                csv_children.append(
                    _css(
                        widgets.HTML(f"Your practice account's key file is <code>{html.escape(str(handed))}</code>."),
                        "handed-path",
                    )
                )
        csv_box = widgets.VBox(csv_children)

        self._profiles = _css(
            widgets.Dropdown(description="Profile", style=wide, layout=widgets.Layout(width="44em")), "profiles"
        )
        profile_box = widgets.VBox([self._profiles])

        self._name = _css(
            widgets.Text(value=logic.DEFAULT_PROFILE, description="Save as profile", style=wide, layout=layout),
            "profile",
        )
        self._region = _css(
            widgets.Text(value=self._account.source.default_region, description="Region", style=wide, layout=layout),
            "region",
        )
        self._overwrite = _css(
            widgets.Checkbox(description="Replace the profile if it exists", indent=False), "overwrite"
        )
        self._default = _css(widgets.Checkbox(description="Also make it the default profile", indent=False), "default")
        self._settings = widgets.VBox([self._name, self._region, self._overwrite, self._default])
        self._plan = _css(widgets.HTML(), "plan")

        self._save = _css(
            widgets.Button(
                description="Check and save",
                button_style="primary",
                icon="check",
                layout=widgets.Layout(width="auto"),  # "Check and use this profile" in full
            ),
            "save",
        )
        self._save.on_click(self._on_save)
        self._out = ResultBox("aml-cred-out")

        self._panes = {TYPE: type_box, CSV: csv_box, PROFILE: profile_box}
        self._pane = widgets.Box([type_box])
        for w in (self._mode, self._name, self._region, self._overwrite, self._default):
            w.observe(self._refresh, names="value")
        self._fill_profiles()
        self._refresh()
        super().__init__([self._mode, self._pane, self._settings, self._plan, self._save, self._out])
        self.add_class("aml-cred-form")

    @property
    def value(self) -> dict[str, object]:
        """The non-secret choices: mode, profile name, region, overwrite, make default."""
        return {
            "mode": self._mode.value,
            "profile": self._name.value,
            "region": self._region.value,
            "overwrite": self._overwrite.value,
            "make_default": self._default.value,
        }

    # --- display -------------------------------------------------------------------------------

    def _fill_profiles(self) -> None:
        try:
            found = logic.list_profiles(self._files)
        except WalkthroughError as exc:
            found = []
            self._out.show(str(exc), "error")
        options = [(p.describe(), p.name) for p in found] or [(_NO_PROFILES, "")]
        self._profiles.options = options
        active = self._account.profile
        self._profiles.value = active if active in [v for _, v in options] else options[0][1]

    def _refresh(self, _change: object = None) -> None:
        mode = self._mode.value
        self._pane.children = [self._panes[mode]]
        self._settings.layout.display = "none" if mode == PROFILE else None
        if mode == PROFILE:
            self._save.description = "Check and use this profile"
            self._plan.value = "<p>Nothing is written: the profile is checked with AWS, then made the active one.</p>"
            return
        self._save.description = "Check and save"
        try:
            region = logic.check_region(self._region.value)
        except WalkthroughError:  # its sentence quotes the box, which may hold a pasted secret
            self._plan.value = f'<p style="color:#b25e00">{html.escape(NOT_A_REGION)}</p>'
            return
        try:
            plan = logic.plan_save_profile(
                self._files,
                self._name.value.strip() or "",
                region=region,
                make_default=self._default.value,
                overwrite=self._overwrite.value,
            )
        except WalkthroughError as exc:
            if isinstance(exc, logic.ProfileExistsError) and self._name.value.strip() == self._just_saved:
                # Right after a save the profile exists *because* of it: say so, not "already exists".
                self._plan.value = (
                    f"<p>Profile <code>{html.escape(self._just_saved)}</code> holds the key you just saved. "
                    "To save another key, choose another profile name or tick 'Replace the profile if it exists'.</p>"
                )
                return
            self._plan.value = f'<p style="color:#b25e00">{html.escape(str(exc))}</p>'
            return
        confirm = (
            "Nothing changes until you press the button: pressing it is the confirmation."
            if self._account.practice
            else "Nothing is written until AWS has confirmed the keys work; pressing the button is your confirmation."
        )
        items = "".join(f"<li>{html.escape(line)}</li>" for line in [*plan.lines(), *plan.notes])
        self._plan.value = f"<div><b>Check and save will change:</b><ul>{items}</ul><i>{confirm}</i></div>"

    # --- actions -------------------------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        self._save.disabled = busy
        if self._handed is not None:
            self._handed.disabled = busy

    def _on_save(self, _button: widgets.Button) -> None:
        if self._save.disabled:
            return
        self._busy(True)
        mode = self._mode.value
        try:
            if mode == TYPE:
                key_id, secret, token = self._key_id.value, self._secret.value, self._token.value
                # Gone from the widgets (and from any saved widget state) before anything can fail.
                self._clear_secret_boxes()
                region = self._read_region()
                self._check_and_save(logic.check_key_pair(key_id, secret, token), region)
            elif mode == CSV:
                uploaded = self._upload.value
                self._upload.value = ()
                region = self._read_region()
                if not uploaded:
                    raise WalkthroughError("Choose the CSV file first, then press Check and save.")
                item = uploaded[0]
                self._check_and_save(logic.parse_keys_csv(bytes(item["content"]), item["name"]), region)
            else:
                self._use_profile(self._profiles.value)
        except Exception as exc:  # a sentence for the learner, never a traceback
            self._out.show(explain(exc), "error")
        finally:
            self._clear_secret_boxes()
            self._upload.value = ()
            self._busy(False)

    def _clear_secret_boxes(self) -> None:
        """Empty every box a secret could have been typed or pasted into (the region box is checked apart)."""
        self._key_id.value = ""
        self._secret.value = ""
        self._token.value = ""

    def _read_region(self) -> str | None:
        """The region typed, checked; a box that is not a region name is emptied and never quoted."""
        try:
            return logic.check_region(self._region.value)
        except WalkthroughError:
            self._region.value = ""
            raise WalkthroughError(BAD_REGION) from None

    def _on_handed(self, _button: widgets.Button) -> None:
        if self._handed is None or self._handed.disabled:
            return
        self._busy(True)
        try:
            path = self._account.source.handed_over_keys()
            if path is None:
                raise WalkthroughError(
                    "This practice account has no key file to hand over: its root keys were deleted (notebook 03, "
                    'or the clean-up). To do the lesson again, run aml.progress.start_from("01") in a cell.'
                )
            region = self._read_region()
            self._check_and_save(
                logic.read_keys_csv(path),
                region,
                first=f"Read {path.name}, the root key file you created in the console.",
            )
        except Exception as exc:  # a sentence for the learner, never a traceback
            self._out.show(explain(exc), "error")
        finally:
            self._busy(False)

    def _check_and_save(self, checked: logic.CheckedKeys, region: str | None, first: str = "") -> None:
        profile = self._name.value.strip()
        outcome = logic.check_and_save(
            self._files,
            profile,
            checked=checked,
            region=region,
            make_default=self._default.value,
            overwrite=self._overwrite.value,
        )
        self._account = account_logic.use_profile(profile)
        self._just_saved = profile
        lines = [first, *outcome.lines(), f"Profile {profile} is now the active profile for the next notebooks."]
        self._out.show(lines, "ok", rich_html(outcome.identity))
        self._overwrite.value = False
        self._fill_profiles()
        self._refresh()

    def _use_profile(self, profile: str) -> None:
        if not profile:
            raise WalkthroughError("There is no saved profile to use yet. Type or import your keys instead.")
        identity = logic.use_existing_profile(self._account, profile)
        self._account = self._account.with_profile(profile)
        self._out.show(
            f"Profile {profile} works; it is now the active profile for the next notebooks.", "ok", rich_html(identity)
        )


@cell_guard
def set_up_form(account: Account | None = None) -> CredentialsForm:
    """Notebook 01: set up the credentials of the chosen account (type, import or use a profile)."""
    return CredentialsForm(account)
