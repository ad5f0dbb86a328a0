"""Notebook 04's forms: the root-MFA check, the root-MFA hand-off, and AML@Packt's own MFA device.

The notebook reaches them as ``aml.ui.mfa_form.check_form()`` (ask the three sources about root
MFA, with "Check again"), ``assign_form()`` (the root user assigns a device in the console, or the
practice account's simulated console) and ``enable_form()`` (AML@Packt creates and enables its own
device: ``helpers.ui.mfa_device.DeviceForm``). No boto3 here: the forms call ``helpers.mfa`` (logic)
and show its sentences. The learner presses each button; under ``AML_WALKTHROUGH_AUTO=1`` in the
practice account the simulated console and app type their own codes.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as widgets

from helpers import account as account_logic
from helpers import mfa
from helpers.auto import applies_itself, walkthrough_auto
from helpers.errors import WalkthroughError, cell_guard
from helpers.identity import IAM_USER
from helpers.mfa.verify import RootMfaCheck
from helpers.ui.mfa_device import DeviceForm
from helpers.ui.result import ResultBox

_COLOURS = {True: "green", False: "#b00", None: "#a60"}


def check_html(check: RootMfaCheck) -> str:
    """The three readings as a table, then the verdict sentences."""
    rows = "".join(
        f"<tr><td>{html.escape(r.source)}</td><td><code>{html.escape(r.field)}</code></td>"
        f"<td style='color:{_COLOURS[r.enabled]}'><b>{r.said}</b></td><td>{html.escape(r.detail)}</td></tr>"
        for r in check.readings
    )
    head = "".join(f"<th style='text-align:left'>{h}</th>" for h in ("source", "field", "said", "detail"))
    lines = check.lines()
    verdict = f"<p class='aml-mfa-verdict' style='color:{_COLOURS[check.passed]}'><b>{html.escape(lines[0])}</b></p>"
    more = "".join(f"<li>{html.escape(line)}</li>" for line in lines[1:])
    who = f"<p>Asked as <code>{html.escape(check.caller.arn)}</code> at {check.checked_at:%Y-%m-%d %H:%M:%S} UTC.</p>"
    table = f"<table class='aml-mfa-table'><tr>{head}</tr>{rows}</table>"
    return who + table + verdict + (f"<ul>{more}</ul>" if more else "")


class RootMfaCheckForm(widgets.VBox):
    """ "Check again": ask the three sources about root MFA and show which said what."""

    def __init__(self, check: Callable[[], RootMfaCheck], run_now: bool = True) -> None:
        self._check = check
        self.result: RootMfaCheck | None = None
        self._button = widgets.Button(description="Check again", icon="refresh", button_style="info")
        self._button.add_class("aml-mfa-check-again")
        self._button.on_click(self._on_click)
        self._table = widgets.HTML()
        self._table.add_class("aml-mfa-check-table")
        self._out = ResultBox("aml-mfa-check-out")
        super().__init__([self._button, self._table, self._out])
        self.add_class("aml-mfa-check")
        if run_now:
            self._on_click(self._button)

    @property
    def value(self) -> bool | None:
        """The verdict of the last check (None: not known)."""
        return self.result.enabled if self.result else None

    def _on_click(self, _button: widgets.Button) -> None:
        if self._button.disabled:
            return
        self._button.disabled = True
        try:
            self.result = self._check()
            self._table.value = check_html(self.result)
            self._out.clear()
        except Exception as exc:  # a sentence, never a traceback
            self._table.value = ""
            self._out.show(mfa.sentence(exc), "error")
        finally:
            self._button.disabled = False


@cell_guard
def check_form() -> RootMfaCheckForm:
    """Notebook 04: the root-MFA check as the active profile (AML@Packt), with "Check again"."""
    return RootMfaCheckForm(mfa.check_root_mfa)


def _steps_html() -> str:
    items = "".join(f"<li>{html.escape(step)}</li>" for step in mfa.ROOT_CONSOLE_STEPS)
    return f"<ol class='aml-mfa-console-steps'>{items}</ol>"


@cell_guard
def assign_form(auto: bool | None = None) -> widgets.Widget:
    """Notebook 04: assign root's MFA device in the practice account's simulated console (or, on a real
    account, the console steps to follow).

    The learner assigns the device by hand; with ``AML_WALKTHROUGH_AUTO=1`` (or ``auto=True``) the
    simulated console assigns itself and its app types the codes.
    """
    explicit = bool(auto)
    try:
        form = mfa.console_stand_in("root-mfa", auto=walkthrough_auto() if auto is None else auto)
    except Exception as exc:  # e.g. the practice account stopped: say so
        return widgets.HTML(f"<p>{html.escape(mfa.sentence(exc))}</p>")
    if form is not None:
        return form
    if explicit:
        return widgets.HTML(
            "<p>On your own account nothing here is automatic: follow the console steps above, then run the check.</p>"
        )
    return widgets.HTML("<p><b>In the AWS console, as the root user:</b></p>" + _steps_html())


@cell_guard
def enable_form(auto: bool | None = None) -> widgets.Widget:
    """Notebook 04: enable AML@Packt's own MFA device, as the active profile (the learner creates it, types codes)."""
    try:
        chosen = account_logic.current_account()
        session, who = mfa.caller()
        if who.kind != IAM_USER:
            raise WalkthroughError(
                "The active profile is not an IAM user (the root user's MFA is assigned in the console only): "
                "switch to AML@Packt's profile (notebook 02), then run this cell again."
            )
    except Exception as exc:
        return widgets.HTML(f"<p class='aml-mfa-skip'>{html.escape(mfa.sentence(exc))}</p>")

    def authenticator(seed: str, label: str) -> widgets.Widget | None:
        return mfa.console_stand_in("authenticator", seed=seed, label=label)

    return DeviceForm(
        session,
        who.name,
        chosen.practice,
        who.account_id,
        authenticator,
        auto=applies_itself(chosen.practice) if auto is None else auto,
    )
