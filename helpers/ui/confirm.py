"""A reusable "plan, then Apply" form: the plan as a table, then one Apply button.

On a real account Apply waits for the learner to type the account ID; in the practice
account (or with ``auto=True``) running the cell is the confirmation and the plan is applied
at once, so Run All completes headless. Any notebook can use it: give it a
``helpers.plan.Plan`` and a callable that applies it. No boto3 here.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from helpers.errors import explain
from helpers.plan import Plan


def plan_table_html(plan: Plan) -> str:
    """The plan as an HTML table (verb, what, name, detail) plus its notes; no secrets in a plan."""
    head = f"<p class='aml-confirm-title'><b>{html.escape(plan.title)}</b></p>"
    if plan.empty:
        body = f"<p class='aml-confirm-empty'>{html.escape(plan.lines()[0])}</p>"
    else:
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td style='padding:0 1em 0 0'>{html.escape(str(v))}</td>"
                for v in (i, c.verb, c.kind, c.name, getattr(c, "detail", ""))
            )
            + "</tr>"
            for i, c in enumerate(plan.changes, 1)
        )
        header = "".join(f"<th style='text-align:left'>{h}</th>" for h in ("#", "Would", "What", "Name", "Detail"))
        body = f"<table class='aml-confirm-table'><tr>{header}</tr>{rows}</table>"
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in plan.notes)
    return head + body + (f"<ul class='aml-confirm-notes'>{notes}</ul>" if notes else "")


def result_lines(result: Any) -> list[str]:
    """What to show after applying: ``result.lines()`` if it has one, else ``str(result)``."""
    if hasattr(result, "lines"):
        return list(result.lines())
    return [] if result is None else [str(result)]


class ConfirmApply(widgets.VBox):
    """Show *plan*; Apply calls ``apply(plan)`` once (typed account ID needed unless *practice*)."""

    def __init__(
        self,
        plan: Plan,
        apply: Callable[[Plan], Any],
        account_id: str | None = None,
        practice: bool = False,
        auto: bool | None = None,
        caller_arn: str | None = None,
        on_done: Callable[[Any], None] | None = None,
    ) -> None:
        self._plan = plan
        self._apply_fn = apply
        self._account_id = account_id
        self._practice = practice
        self._on_done = on_done
        self.result: Any = None
        self.applied = False
        who = ""
        if account_id or caller_arn:
            who = (
                f"<p class='aml-confirm-who'>Account <code>{html.escape(account_id or '?')}</code>, acting as "
                f"<code>{html.escape(caller_arn or '?')}</code></p>"
            )
        self._table = widgets.HTML(who + plan_table_html(plan))
        self._table.add_class("aml-confirm-plan")
        self._typed = widgets.Text(
            placeholder=account_id or "",
            description="Type the account ID to confirm:",
            style={"description_width": "initial"},
        )
        self._typed.add_class("aml-confirm-account")
        self._button = widgets.Button(description="Apply", button_style="warning", icon="play")
        self._button.add_class("aml-confirm-apply")
        self._out = widgets.Output()
        self._out.add_class("aml-confirm-out")
        self._button.on_click(self._on_click)
        children: list[widgets.Widget] = [self._table]
        if not plan.empty:
            if not practice:
                children.append(self._typed)
            children.append(self._button)
        children.append(self._out)
        super().__init__(children)
        self.add_class("aml-confirm-form")
        if auto is None:
            auto = practice
        if auto and not plan.empty:
            self._run()

    @property
    def value(self) -> Any:
        """The result of applying the plan (None until applied)."""
        return self.result

    def _say(self, text: str) -> None:
        self._out.append_stdout(text.rstrip("\n") + "\n")

    def _on_click(self, _button: widgets.Button) -> None:
        if self._button.disabled or self.applied:
            return  # a second click while (or after) applying does nothing
        if not self._practice and self._typed.value.strip() != (self._account_id or ""):
            self._out.clear_output()
            self._say(
                f"The account ID you typed does not match {self._account_id}: check you are in the account you "
                "mean to change, then type its 12 digits. Nothing was changed."
            )
            return
        self._run()

    def _run(self) -> None:
        self._button.disabled = True
        self._typed.disabled = True
        self._out.clear_output()
        try:
            self.result = self._apply_fn(self._plan)
        except Exception as exc:  # the learner sees a sentence, never a traceback
            self._say(explain(exc))
            self._button.disabled = False
            self._typed.disabled = False
            return
        ok = getattr(self.result, "ok", True)
        for line in result_lines(self.result):
            self._say(line)
        if ok:
            self.applied = True
        else:
            # Let the learner retry after fixing the cause; re-running the cell re-plans too.
            self._button.disabled = False
            self._typed.disabled = False
        if self._on_done is not None:
            self._on_done(self.result)
