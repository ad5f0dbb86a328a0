"""A reusable "plan, then Apply" form: the plan as a table, then one Apply button.

The learner presses Apply: in the practice account the form shows the plan and waits for the click;
on a real account Apply also waits for the account ID typed. With ``AML_WALKTHROUGH_AUTO=1``
in the practice account (``helpers.auto.applies_itself``), or with ``auto=True``, the plan is applied at once,
so Run All completes headless. The result is written into one ``ResultBox`` (never cleared and
appended). Any notebook can use it: give it a ``helpers.plan.Plan`` and a callable that applies it.
No boto3 here.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from helpers.auto import applies_itself
from helpers.errors import explain
from helpers.plan import Plan
from helpers.ui.result import ResultBox

# Long names (a backup file's path, an ARN) wrap inside their cell: a plan wider than the page would
# make the form a scrolling region that the keyboard cannot reach (axe: scrollable-region-focusable).
# Only the name and detail columns may break inside a word; the verb, kind and API action stay whole.
_WRAP = "overflow-wrap:anywhere;word-break:break-word"
_WHOLE = "overflow-wrap:normal;word-break:normal"
_WRAPPED_COLUMNS = (False, False, False, True, True, False)


def plan_table_html(plan: Plan) -> str:
    """The plan as an HTML table (verb, what, name, detail, the API action it calls) plus its notes; no secrets."""
    head = f"<p class='aml-confirm-title'><b>{html.escape(plan.title)}</b></p>"
    if plan.empty:
        body = f"<p class='aml-confirm-empty'>{html.escape(plan.lines()[0])}</p>"
    else:
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td style='padding:0 1em 0 0;{_WRAP if wraps else _WHOLE}'>{html.escape(str(v))}</td>"
                for wraps, v in zip(
                    _WRAPPED_COLUMNS,
                    (i, c.verb, c.kind, c.name, getattr(c, "detail", ""), getattr(c, "api_action", "")),
                    strict=True,
                )
            )
            + "</tr>"
            for i, c in enumerate(plan.changes, 1)
        )
        header = "".join(
            f"<th style='text-align:left'>{h}</th>" for h in ("#", "Would", "What", "Name", "Detail", "API call")
        )
        body = f"<table class='aml-confirm-table' style='max-width:100%'><tr>{header}</tr>{rows}</table>"
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in plan.notes)
    return head + body + (f"<ul class='aml-confirm-notes'>{notes}</ul>" if notes else "")


def result_lines(result: Any) -> list[str]:
    """What to show after applying: ``result.lines()`` if it has one, else ``str(result)``."""
    if hasattr(result, "lines"):
        return list(result.lines())
    return [] if result is None else [str(result)]


class ConfirmApply(widgets.VBox):
    """Show *plan*; Apply calls ``apply(plan)`` once (typed account ID needed unless *practice*).

    *auto* (default ``applies_itself(practice)``: the practice account under ``AML_WALKTHROUGH_AUTO``)
    applies the plan as soon as the form is built.
    """

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
        self._out = ResultBox("aml-confirm-out")
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
            auto = applies_itself(practice)
        if practice and not auto and not plan.empty:
            self._out.show(["Nothing has changed yet: press Apply to carry out the plan above."], "info")
        if auto and not plan.empty:
            self._run()

    @property
    def value(self) -> Any:
        """The result of applying the plan (None until applied)."""
        return self.result

    def _on_click(self, _button: widgets.Button) -> None:
        if self._button.disabled or self.applied:
            return  # a second click while (or after) applying does nothing
        if not self._practice and self._typed.value.strip() != (self._account_id or ""):
            self._typed.value = ""  # never quoted back; typed afresh
            self._out.show(
                f"The account ID you typed does not match {self._account_id}: check you are in the account you "
                "mean to change, then type its 12 digits. Nothing was changed.",
                "error",
            )
            return
        self._run()

    def _run(self) -> None:
        self._button.disabled = True
        self._typed.disabled = True
        self._out.show(["Applying the plan…"], "info")
        try:
            self.result = self._apply_fn(self._plan)
        except Exception as exc:  # the learner sees a sentence, never a traceback
            self._out.show(explain(exc), "error")
            self._button.disabled = False
            self._typed.disabled = False
            return
        ok = getattr(self.result, "ok", True)
        self._out.show(result_lines(self.result) or ["Done."], "ok" if ok else "error")
        if ok:
            self.applied = True
        else:
            # Let the learner retry after fixing the cause; re-running the cell re-plans too.
            self._button.disabled = False
            self._typed.disabled = False
        if self._on_done is not None:
            self._on_done(self.result)
