"""Notebook 06's teardown form: ticks for what to remove, the plan, then Apply (typed account ID on a real account).

The plan table and the Apply button are ``helpers.ui.confirm.ConfirmApply``. In a practice account
the form plans and applies as soon as it is shown (running the cell is the confirmation), so Run
All completes headless. No boto3 here: planning and applying are the callables passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from helpers.errors import explain
from helpers.ui.confirm import ConfirmApply

# tick name -> (label, default)
TICKS: dict[str, tuple[str, bool]] = {
    "remove_user": ("Remove AML@Packt (its keys, password, memberships, then the user)", True),
    "remove_profile": ("Remove the aml-packt profile from your AWS files (a dated backup is kept)", True),
    "remove_group": ("Remove the group aml-packt-users", False),
    "remove_password_policy": ("Remove the account password policy", False),
    "remove_extras": (
        "Also remove what I added to AML@Packt myself (MFA devices, other policies, SSH keys, ...)",
        False,
    ),
}


class CleanupForm(widgets.VBox):
    """Ticks + "Plan the clean-up"; the plan appears with its Apply button below."""

    def __init__(
        self,
        prepare: Callable[..., Any],
        apply: Callable[[Any, str | None], Any],
        practice: bool = False,
        auto: bool | None = None,
        **ticks: bool,
    ) -> None:
        self._prepare = prepare
        self._apply = apply
        self._practice = practice
        self.confirm: ConfirmApply | None = None
        self._boxes: dict[str, widgets.Checkbox] = {}
        for name, (label, default) in TICKS.items():
            box = widgets.Checkbox(
                value=ticks.get(name, default),
                description=label,
                indent=False,
                layout=widgets.Layout(width="auto"),  # the default width cuts the labels short
            )
            box.add_class(f"aml-cleanup-{name.replace('_', '-')}")
            self._boxes[name] = box
        self._admin = widgets.Text(
            placeholder="e.g. admin (a profile with IAM write rights)",
            description="Act as profile:",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="32em"),
        )
        self._admin.add_class("aml-cleanup-admin")
        self._button = widgets.Button(
            description="Plan the clean-up", icon="list", button_style="info", layout=widgets.Layout(width="16em")
        )
        self._button.add_class("aml-cleanup-plan")
        self._button.on_click(self._on_plan)
        self._out = widgets.Output()
        self._out.add_class("aml-cleanup-out")
        self._slot = widgets.VBox()
        self._slot.add_class("aml-cleanup-confirm")
        children: list[widgets.Widget] = list(self._boxes.values())
        if not practice:
            children.append(self._admin)
        children += [self._button, self._out, self._slot]
        super().__init__(children)
        self.add_class("aml-cleanup-form")
        if practice if auto is None else auto:
            self._on_plan(self._button)

    @property
    def value(self) -> dict[str, bool]:
        """The ticks as ``TeardownOptions`` keyword arguments."""
        return {name: box.value for name, box in self._boxes.items()}

    @property
    def result(self) -> Any:
        """What applying did (None until applied)."""
        return self.confirm.result if self.confirm is not None else None

    def _say(self, text: str) -> None:
        self._out.append_stdout(text.rstrip("\n") + "\n")

    def _on_plan(self, _button: widgets.Button) -> None:
        if self._button.disabled:
            return
        self._button.disabled = True
        self._out.clear_output()
        self._slot.children = ()
        admin = self._admin.value.strip() or None
        try:
            prepared = self._prepare(admin, **self.value)
        except Exception as exc:  # the learner sees a sentence, never a traceback
            self._say(explain(exc))
            return
        finally:
            self._button.disabled = False
        self.confirm = ConfirmApply(
            prepared.plan,
            lambda plan: self._apply(plan, admin),
            account_id=prepared.account_id,
            practice=self._practice,
            caller_arn=prepared.caller_arn,
        )
        self._slot.children = (self.confirm,)


def teardown_form(**ticks: bool) -> CleanupForm:
    """Notebook 06's teardown cell: the form for the chosen account (applies at once in a practice account)."""
    from helpers.account import current_account
    from helpers.cleanup.notebook import apply_cleanup, prepare

    practice = current_account().practice
    return CleanupForm(prepare, lambda plan, admin: apply_cleanup(plan, admin), practice=practice, **ticks)
