"""Notebook 02's forms: set up AML@Packt (password step + plan + Apply), service toggles, key rotation.

No boto3 here: every AWS call goes through ``helpers.users``. The factories at the bottom
take the chosen account from ``helpers.account`` so a notebook cell is one call.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as widgets

from helpers import account as account_logic
from helpers import users
from helpers.auto import applies_itself
from helpers.errors import WalkthroughError, cell_guard, explain
from helpers.plan import Plan
from helpers.sources import AwsFiles
from helpers.ui.confirm import ConfirmApply
from helpers.ui.result import ResultBox

if TYPE_CHECKING:  # a type name only: this module makes no AWS call
    import boto3

GENERATE = "Generate a strong password for me"
TYPE = "I will type one"


class PasswordReveal(widgets.VBox):
    """Shows a generated password once, inside the widget only, until "I've stored it" is clicked.

    The password starts hidden in every mode (practice or real account, by hand or Run All): it
    stays in the kernel until "Show it once" is clicked, because a widget's value is saved with the
    notebook when widget state is saved, so it must not be on the page unasked.
    """

    def __init__(self, password: users.Secret, signin_url: str | None, hidden: bool = True) -> None:
        self._password: users.Secret | None = password
        self._url = html.escape(signin_url or "")
        self._secret = widgets.HTML()
        self._secret.add_class("aml-users-secret")
        self._show = widgets.Button(description="Show it once", icon="eye")
        self._show.add_class("aml-users-show")
        self._show.on_click(self._on_show)
        self._stored = widgets.Button(description="I've stored it", icon="lock", button_style="success")
        self._stored.add_class("aml-users-stored")
        self._stored.on_click(self._on_stored)
        super().__init__([self._secret, self._show, self._stored])
        self.add_class("aml-users-reveal")
        if hidden:
            self._secret.value = (
                f"<p>A strong console password was generated and set for {html.escape(users.USER_NAME)}. "
                "It is not on this page (a notebook saved with its widgets would keep it): click "
                "<b>Show it once</b>, store it in your password manager, then click <b>I've stored it</b>.</p>"
            )
            self._stored.layout.display = "none"
        else:
            self._on_show(self._show)

    def _on_show(self, _button: widgets.Button) -> None:
        if self._password is None:
            return
        url = self._url
        self._secret.value = (
            f"<p>Console password for {html.escape(users.USER_NAME)} (shown once; AWS asks for a new one at "
            f"first sign-in): <code class='aml-users-secret-value'>{html.escape(self._password.reveal())}</code></p>"
            + (f"<p>Sign in at <a href='{url}' target='_blank'>{url}</a></p>" if url else "")
        )
        self._show.layout.display = "none"
        self._stored.layout.display = None

    def _on_stored(self, _button: widgets.Button) -> None:
        # Clear the value itself, not just hide it: widget state could otherwise be saved.
        self._password = None
        self._secret.value = "<p>Password cleared from this page. Use your password manager from now on.</p>"
        self._stored.disabled = True
        self._stored.layout.display = "none"
        self._show.layout.display = "none"

    @property
    def showing(self) -> bool:
        return "aml-users-secret-value" in self._secret.value


class SetupForm(widgets.VBox):
    """Plan and apply AML@Packt's set-up: password choice, the plan table, Apply, the one-time password."""

    def __init__(
        self,
        session: boto3.Session,
        files: AwsFiles,
        practice: bool,
        profile: str = users.USER_PROFILE,
        csv_path: str | None = None,
        max_age_days: int | None = None,
        auto: bool | None = None,
    ) -> None:
        self._session, self._files, self._profile = session, files, profile
        self.result: users.ApplyResult | None = None
        self._out = ResultBox("aml-users-out")
        self._mode = widgets.RadioButtons(options=[GENERATE, TYPE], value=GENERATE, description="Password:")
        self._mode.add_class("aml-users-password-mode")
        self._password = widgets.Password(placeholder="at least 14 characters, all four kinds")
        self._password.add_class("aml-users-password")
        self._check = widgets.Button(description="Check password", icon="check")
        self._check.add_class("aml-users-password-check")
        self._check.on_click(self._on_check)
        self._reveal_box = widgets.VBox()
        self._pending: users.Secret | None = None  # a typed password, held only until Apply
        self._confirm: ConfirmApply | None = None
        children: list[widgets.Widget] = []
        try:
            obs = users.observe(session, files, profile)
            plan = users.plan_setup(obs, profile=profile, csv_path=csv_path, max_age_days=max_age_days)
        except Exception as exc:  # AccessDenied, a profile conflict, two keys: a sentence and what to do
            self._out.show(explain(exc), "error")
            super().__init__([self._out])
            self.add_class("aml-users-form")
            return
        self._policy = next(
            (c.params["policy"] for c in plan.changes if c.kind == "account password policy"),
            obs.password_policy or users.CIS_PASSWORD_POLICY,
        )
        if any(c.kind == "console password" for c in plan.changes) and not practice:
            children += [self._mode, self._password, self._check]
        self._confirm = ConfirmApply(
            plan,
            self._apply,
            account_id=obs.account_id,
            practice=practice,
            auto=applies_itself(practice) if auto is None else auto,
            caller_arn=obs.caller_arn,
            on_done=self._done,
        )
        children += [self._confirm, self._reveal_box, self._out]
        super().__init__(children)
        self.add_class("aml-users-form")

    @property
    def value(self) -> users.ApplyResult | None:
        """The apply result (None until applied); its password's repr is masked."""
        return self.result

    @property
    def confirm(self) -> ConfirmApply | None:
        return self._confirm

    def _typed(self) -> users.Secret | None:
        if self._mode.value != TYPE:
            return None
        if self._password.value:
            self._pending = users.Secret(self._password.value)
            self._password.value = ""  # cleared as soon as read (widget state could be saved)
        return self._pending

    def _on_check(self, _button: widgets.Button) -> None:
        self._mode.value = TYPE
        typed = self._typed()
        problems = users.password_problems(typed, self._policy) if typed is not None else ["Type a password first."]
        if problems:
            self._pending = None
            self._out.show("Breaks the policy: " + " ".join(problems) + " Type another one.", "error")
        else:
            self._out.show("That password meets the policy; Apply will use it (the field is cleared).", "ok")

    def _apply(self, plan: Plan) -> users.ApplyResult:
        typed = self._typed()
        if self._mode.value == TYPE and typed is None:
            raise WalkthroughError("Type a password first (or choose to have one generated).")
        try:
            return users.apply_plan(self._session, plan, self._files, password=typed)
        finally:
            self._pending = None

    def _done(self, result) -> None:
        self.result = result
        if result is not None and getattr(result, "password", None) is not None and not self._reveal_box.children:
            self._reveal_box.children = [PasswordReveal(result.password, result.signin_url, hidden=True)]
        elif result is not None and getattr(result, "signin_url", None):
            self._out.show(f"{users.USER_NAME} signs in at {result.signin_url}", "info")


class ServiceToggles(widgets.VBox):
    """One toggle per service, showing whether AML@Packt's group has it now; a change is planned, then applied."""

    def __init__(
        self, session: boto3.Session, practice: bool, account_id: str | None = None, caller_arn: str | None = None
    ) -> None:
        self._session, self._practice, self._account_id = session, practice, account_id
        self._caller_arn = caller_arn
        self._busy = False
        self._out = ResultBox("aml-users-services-out")
        self._slot = widgets.VBox()  # the change's plan and Apply, replaced (never appended) per toggle
        self._slot.add_class("aml-users-services-confirm")
        self.confirm: ConfirmApply | None = None
        self._toggles: dict[str, widgets.ToggleButton] = {}
        rows = []
        for svc in users.SERVICES:
            toggle = widgets.ToggleButton(
                description=svc.label,
                tooltip=svc.grants,
                icon="check",
                layout=widgets.Layout(width="auto", min_width="15em", flex="none"),  # the full service name
            )
            toggle.add_class(f"aml-users-service-{svc.key}")
            toggle.observe(self._on_toggle(svc.key), names="value")
            self._toggles[svc.key] = toggle
            note = f" <i>{html.escape(svc.note)}</i>" if svc.note else ""
            grants = widgets.HTML(f"<code>{svc.policy_name}</code>: {html.escape(svc.grants)}{note}")
            rows.append(widgets.HBox([toggle, grants]))
        super().__init__([*rows, self._out, self._slot])
        self.add_class("aml-users-services")
        self.refresh()

    @property
    def value(self) -> dict[str, bool]:
        """Each service -> whether its toggle is on."""
        return {k: t.value for k, t in self._toggles.items()}

    def refresh(self) -> None:
        """Set every toggle from the live state of the group."""
        try:
            live = users.services_state(self._session)
        except Exception as exc:
            self._out.show(explain(exc), "error")
            return
        self._busy = True
        try:
            for key, on in live.items():
                self._toggles[key].value = on
                self._toggles[key].button_style = "success" if on else ""
        finally:
            self._busy = False

    def _on_toggle(self, key: str) -> Callable[[dict], None]:
        def handler(change: dict) -> None:
            if self._busy:
                return
            svc = next(s for s in users.SERVICES if s.key == key)
            try:
                plan = (users.add_service if change["new"] else users.remove_service)(self._session, key)
            except Exception as exc:
                self._slot.children = ()
                self._out.show(explain(exc), "error")
                self.refresh()
                return
            wanted = "on" if change["new"] else "off"
            self.confirm = ConfirmApply(
                plan,
                lambda p: users.apply_plan(self._session, p),
                account_id=self._account_id,
                practice=self._practice,
                auto=applies_itself(self._practice),
                caller_arn=self._caller_arn,
                on_done=lambda result: self._after(svc.label, wanted, result),
            )
            self._slot.children = (self.confirm,)
            if self.confirm.result is None and not plan.empty:
                self._out.show(
                    f"{svc.label} {wanted}: the plan is below; nothing changes until you press Apply.", "info"
                )

        return handler

    def _after(self, label: str, wanted: str, result: object) -> None:
        self.refresh()
        if getattr(result, "ok", True):
            self._out.show(f"{label} is now {wanted} for AML@Packt's group (see the result below the plan).", "ok")
        else:
            self._out.show(f"{label} could not be switched {wanted}: see the reason below the plan.", "error")


@cell_guard
def set_up_form(csv_path: str | None = None, max_age_days: int | None = None) -> SetupForm:
    """Notebook 02: set up AML@Packt (plan, then Apply), acting as the active profile of the chosen account."""
    chosen = account_logic.current_account()
    return SetupForm(chosen.session(), chosen.files(), chosen.practice, csv_path=csv_path, max_age_days=max_age_days)


@cell_guard
def toggle_form() -> ServiceToggles:
    """Notebook 02: toggle the services AML@Packt's group may use, in the chosen account."""
    chosen = account_logic.current_account()
    session = chosen.session()
    obs = users.observe(session)
    return ServiceToggles(session, chosen.practice, obs.account_id, obs.caller_arn)


@cell_guard
def rotate_form(retire: str | None = None) -> widgets.Widget:
    """Plan and apply a rotation of AML@Packt's access key (create, check, retire the old one)."""
    chosen = account_logic.current_account()
    session, files = chosen.session(), chosen.files()
    try:
        obs = users.observe(session, files)
        plan = users.plan_key_rotation(obs, retire=retire)
    except Exception as exc:
        return widgets.HTML(f"<p class='aml-users-error'>{html.escape(explain(exc))}</p>")
    return ConfirmApply(
        plan,
        lambda p: users.apply_plan(session, p, files),
        account_id=obs.account_id,
        practice=chosen.practice,
        auto=False,
        caller_arn=obs.caller_arn,
    )
