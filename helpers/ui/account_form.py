"""Notebook 00's account picker: the practice account (default) or one of the learner's own profiles."""

from __future__ import annotations

import html
import re

import ipywidgets as widgets

from helpers import account as account_logic
from helpers import lesson
from helpers.errors import cell_guard, explain
from helpers.identity import KIND_LABELS, OTHER
from helpers.sources import available_sources
from helpers.ui.result import ResultBox

NO_PROFILE = "(none yet: notebook 01 sets one up)"


def _prose(text: str) -> str:
    """Escape *text* for HTML and show `backticked` words as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def standing_html(standing: lesson.Standing) -> str:
    """The "who am I" card as HTML (no secret can be in it: it holds only IDs and ARNs)."""
    rows = [("Account", standing.label), ("Profile", standing.profile or "none yet")]
    colour = "#2e7d32"
    note = ""
    if standing.identity:
        who = standing.identity
        kind = KIND_LABELS.get(who.kind, KIND_LABELS[OTHER])
        rows += [("Account ID", who.account_id), ("ARN", who.arn), ("Identity", f"{kind} {who.name}".strip())]
        if who.is_root:
            colour = "#c62828"
            note = (
                "<p class='aml-card-warning'><b>This is the root user.</b> Its keys can do anything in the "
                "account, including closing it, and no policy can restrain them. Notebook 02 creates the IAM "
                "user AML@Packt for daily work; notebook 03 deletes these keys.</p>"
            )
    elif standing.problem:
        colour = "#ef6c00"
        note = f"<p>{_prose(standing.problem)}</p>"
    table = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th>"
        f"<td><code>{html.escape(v)}</code></td></tr>"
        for k, v in rows
    )
    return (
        f"<div class='aml-card' style='border-left:6px solid {colour};padding:0.5em 1em'>"
        f"<table>{table}</table><p>{_prose(standing.description)}</p>{note}</div>"
    )


class AccountPicker(widgets.VBox):
    """Choose the account every later notebook uses; shows who the chosen profile is."""

    def __init__(self) -> None:
        self._sources = available_sources()
        current = account_logic.current_account()
        self._source = widgets.RadioButtons(
            options=[(s.label, key) for key, s in self._sources.items()],
            value=current.source.key,
            description="Account:",
            layout=widgets.Layout(width="auto"),
            style={"description_width": "initial"},
        )
        self._source.add_class("aml-account-source")
        self._profile = widgets.Dropdown(description="Profile:", style={"description_width": "initial"})
        self._profile.add_class("aml-account-profile")
        self._use = widgets.Button(description="Use this account", button_style="primary", icon="check")
        self._use.add_class("aml-account-use")
        self._out = ResultBox("aml-account-out")
        self._fill_profiles(current.profile)
        self._source.observe(lambda _change: self._fill_profiles(None), names="value")
        self._use.on_click(self._on_use)
        super().__init__([self._source, self._profile, self._use, self._out])
        self.add_class("aml-account-form")

    @property
    def value(self) -> tuple[str, str | None]:
        """The selection: (account source key, profile name or None)."""
        profile = self._profile.value
        return self._source.value, (None if profile in (None, NO_PROFILE) else profile)

    def _fill_profiles(self, keep: str | None) -> None:
        source = self._sources[self._source.value]
        try:
            names = lesson.profile_names(source.files())
        except Exception as exc:  # e.g. the practice account could not start: say why, keep the form usable
            names = []
            self._out.show(explain(exc), "error")
        options = names or [NO_PROFILE]
        self._profile.options = options
        self._profile.value = keep if keep in options else options[0]

    def _on_use(self, _button: widgets.Button) -> None:
        if self._use.disabled:
            return
        self._use.disabled = True
        try:
            key, profile = self.value
            chosen = account_logic.choose_account(key, profile)
            self._out.show([], "ok", standing_html(lesson.standing(chosen)))
        except Exception as exc:  # a sentence, never a traceback
            self._out.show(explain(exc), "error")
        finally:
            self._use.disabled = False


@cell_guard
def pick_form() -> AccountPicker:
    """Notebook 00: pick the account (and profile) every later notebook uses."""
    return AccountPicker()
