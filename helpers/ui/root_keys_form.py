"""Notebook 03's form: the root user's keys as a table, then Deactivate, Verify and Delete in order.

No boto3 here: the form gets ``helpers.root_keys.Actions`` (plain callables bound to the
account). Each step waits for its own button, and each button is enabled only when the step
before it has worked; on a real account Delete also waits for the key IDs to be typed. Under
``AML_WALKTHROUGH_AUTO=1`` in the practice account the three steps click themselves (Run All).
Each step's result replaces the last in its own ``ResultBox``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from helpers import root_keys
from helpers.auto import applies_itself
from helpers.errors import cell_guard, explain
from helpers.root_keys import ACCEPT_SENTENCE, Actions, Observation, Proof
from helpers.ui.confirm import plan_table_html
from helpers.ui.result import ResultBox

STEPS = ("deactivate", "verify", "delete")
_LABELS = {"deactivate": "1. Deactivate", "verify": "2. Verify", "delete": "3. Delete"}


def _html_lines(lines: list[str], css: str = "") -> str:
    body = "<br>".join(html.escape(line) for line in lines)
    return f"<div class='{css}'>{body}</div>" if css else body


def keys_table_html(obs: Observation) -> str:
    """The root's keys as an HTML table (ID, status, created, last used, signs these calls); no secrets."""
    if not obs.keys:
        return ""
    head = "".join(
        f"<th style='text-align:left;padding-right:1em'>{h}</th>"
        for h in ("Access key ID", "Status", "Created", "Last used", "Signs these calls")
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td style='padding-right:1em'>{html.escape(v)}</td>"
            for v in (
                k.key_id,
                k.status if k.active else f"{k.status} (still present: delete it)",
                f"{k.created:%Y-%m-%d}" if k.created else "?",
                k.last_use(),
                "yes" if k.signs_this_session else "",
            )
        )
        + "</tr>"
        for k in obs.keys
    )
    return f"<table class='aml-rootkeys-keys'><tr>{head}</tr>{rows}</table>"


def plans_html(obs: Observation) -> str:
    """The deactivate and delete plans; an empty deactivate plan shows only why (the signing key stays active)."""
    deactivate = root_keys.plan_deactivate(obs)
    if deactivate.empty:
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in deactivate.notes)
        first = f"<p class='aml-confirm-title'><b>{html.escape(deactivate.title)}</b></p><ul>{notes}</ul>"
    else:
        first = plan_table_html(deactivate)
    return first + plan_table_html(root_keys.plan_delete(obs))


class RootKeysForm(widgets.VBox):
    """Deactivate, verify, delete the root's access keys; buttons enable in order; each shows its result."""

    def __init__(self, actions: Actions, auto: bool | None = None) -> None:
        self._actions = actions
        self._practice = actions.practice
        self.obs: Observation | None = None
        self.proof: Proof | None = None
        self.results: dict[str, Any] = {}
        self._busy = False
        self._status = widgets.HTML()
        self._status.add_class("aml-rootkeys-status")
        self._table = widgets.HTML()
        self._table.add_class("aml-rootkeys-table")
        self._plan = widgets.HTML()
        self._plan.add_class("aml-rootkeys-plan")
        self._accept = widgets.Text(
            placeholder=ACCEPT_SENTENCE,
            description="No working IAM profile? Type this to go on anyway:",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="40em"),
        )
        self._accept.add_class("aml-rootkeys-accept")
        self._accept.observe(self._on_accept, names="value")
        self._typed = widgets.Text(
            description="Type the key ID(s) to delete:",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="40em"),
        )
        self._typed.add_class("aml-rootkeys-confirm")
        self._buttons: dict[str, widgets.Button] = {}
        self._results: dict[str, ResultBox] = {}
        rows: list[widgets.Widget] = []
        handlers: dict[str, Callable[[widgets.Button], None]] = {
            "deactivate": lambda _b: self._step("deactivate", self._do_deactivate),
            "verify": lambda _b: self._step("verify", self._do_verify),
            "delete": lambda _b: self._step("delete", self._do_delete),
        }
        for step in STEPS:
            button = widgets.Button(
                description=_LABELS[step], button_style="danger" if step == "delete" else "warning", disabled=True
            )
            button.add_class(f"aml-rootkeys-{step}")
            button.on_click(handlers[step])
            result = ResultBox(f"aml-rootkeys-result-{step}")
            self._buttons[step], self._results[step] = button, result
            if step == "delete":
                rows.append(self._accept)
                if not self._practice:
                    rows.append(self._typed)
            rows += [button, result]
        self._check = widgets.Button(description="Check again", icon="refresh")
        self._check.add_class("aml-rootkeys-check")
        self._check.on_click(self._on_check)
        self._check_result = ResultBox("aml-rootkeys-result-check")
        super().__init__([self._status, self._table, self._plan, *rows, self._check, self._check_result])
        self.add_class("aml-rootkeys-form")
        self.refresh()
        if auto is None:
            auto = applies_itself(self._practice)
        if auto and self.obs is not None and self.obs.can_delete:
            for step in STEPS:
                if self._buttons[step].disabled:
                    break
                self._buttons[step].click()

    @property
    def value(self) -> dict[str, Any]:
        """Each step's result so far (``deactivate``, ``verify``, ``delete``, ``check``)."""
        return dict(self.results)

    # ------------------------------------------------------------------ state
    def refresh(self) -> None:
        """Observe the account again and set the table, plan and buttons to match."""
        try:
            self.obs = self._actions.observe()
        except Exception as exc:  # a sentence, never a traceback
            self.obs = None
            self._status.value = _html_lines([explain(exc)], "aml-rootkeys-error")
            for button in self._buttons.values():
                button.disabled = True
            return
        obs = self.obs
        lines = obs.lines() + ([obs.note] if obs.note and obs.note not in obs.lines() else [])
        self._status.value = _html_lines(lines)
        self._table.value = keys_table_html(obs)
        if obs.can_delete:
            self._plan.value = plans_html(obs)
            self._buttons["deactivate"].disabled = "deactivate" in self.results
        elif obs.done:
            said = (
                "Done: the root user has no access keys left (step 3 deleted them)."
                if "delete" in self.results
                else "Nothing to do: the root user has no access keys."
            )
            self._plan.value = f"<p class='aml-rootkeys-done'>{html.escape(said)}</p>"
            for button in self._buttons.values():
                button.disabled = True
        else:
            steps = "".join(f"<li>{html.escape(s.split('. ', 1)[1])}</li>" for s in root_keys.console_steps())
            self._plan.value = (
                "<p class='aml-rootkeys-console'>Only the root user can delete its access keys. In the console:</p>"
                f"<ol>{steps}</ol>"
            )
            for button in self._buttons.values():
                button.disabled = True

    def _step(self, step: str, run: Callable[[], tuple[bool, list[str]]]) -> None:
        button = self._buttons[step]
        if self._busy or button.disabled:
            return  # a second click while (or after) a step runs does nothing
        self._busy = True
        button.disabled = True
        self._results[step].show("Working…", "info")
        try:
            ok, lines = run()
        except Exception as exc:
            ok, lines = False, [explain(exc)]
        finally:
            self._busy = False
        self._results[step].show(lines, "ok" if ok else "error")
        if not ok:
            button.disabled = False  # fix the cause, then press it again
            if step == "verify":
                self._on_accept({})  # the typed sentence may already stand in for the proof
            return
        following = STEPS.index(step) + 1
        if following < len(STEPS):
            self._buttons[STEPS[following]].disabled = False

    def _do_deactivate(self) -> tuple[bool, list[str]]:
        result = self._actions.deactivate()
        self.results["deactivate"] = result
        lines = result.lines() + [
            "If something breaks now, reactivate the key (console: Security credentials > Access keys > Actions > "
            "Activate)."
        ]
        return result.ok, lines

    def _do_verify(self) -> tuple[bool, list[str]]:
        proof = self._actions.verify()
        self.proof = proof
        self.results["verify"] = proof
        lines = proof.lines()
        if not proof.ok:
            lines.append(
                f'3. Delete stays off until this works (press 2. Verify again), or you type "{ACCEPT_SENTENCE}" '
                "above it."
            )
        return proof.ok, lines

    def _on_accept(self, _change: dict) -> None:
        """The typed sentence stands in for a failed proof: Delete becomes pressable after Verify has run."""
        if "verify" in self.results and "delete" not in self.results and not self._busy:
            accepted = root_keys.accepted_console(self._accept.value)
            self._buttons["delete"].disabled = not (accepted or getattr(self.proof, "ok", False))

    def _do_delete(self) -> tuple[bool, list[str]]:
        result = self._actions.delete(self.proof, self._accept.value, self._typed.value)
        self.results["delete"] = result
        if result.ok:
            for button in self._buttons.values():
                button.disabled = True
            self._accept.disabled = self._typed.disabled = True
            self.refresh()
            self._run_check()
        return result.ok, result.lines()

    def _on_check(self, _button: widgets.Button) -> None:
        if self._busy:
            return
        self.refresh()
        self._run_check()

    def _run_check(self) -> None:
        try:
            check = self._actions.check()
        except Exception as exc:
            self._check_result.show(explain(exc), "error")
            return
        self.results["check"] = check
        console_shown = self.obs is not None and not self.obs.can_delete and not self.obs.done
        lines = check.lines()[:1] if console_shown else check.lines()  # the steps are already listed above
        self._check_result.show(lines, "ok" if check.passed else "error")


@cell_guard
def delete_form() -> RootKeysForm:
    """Notebook 03's cell: the three steps, each its own click (they click themselves only under auto)."""
    return RootKeysForm(root_keys.actions_for_account())
