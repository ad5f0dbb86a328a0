"""Notebook 06's teardown form: ticks for what to remove, the plan, then Apply (typed account ID on a real account).

The plan table and the Apply button are ``helpers.ui.confirm.ConfirmApply``. Nothing is deleted
until the learner has ticked, pressed "Plan the clean-up" and then Apply; by default every box is
unticked, so what the book needs next (AML@Packt, its group, its profile, the password policy)
stays. Under ``AML_WALKTHROUGH_AUTO=1`` in the practice account the form ticks the lesson's own
clean-up (``AUTO_TICKS``), plans and applies as soon as it is shown, so Run All completes headless.
No boto3 here: planning and applying are the callables passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from helpers.auto import applies_itself
from helpers.errors import cell_guard, explain
from helpers.ui.confirm import ConfirmApply
from helpers.ui.result import ResultBox

# tick name -> (label, default): by default nothing the book needs is ticked, so its next steps keep it.
TICKS: dict[str, tuple[str, bool]] = {
    "remove_user": ("Remove AML@Packt (its keys, password, memberships, then the user)", False),
    "remove_profile": ("Remove the aml-packt profile from your AWS files (a dated backup is kept)", False),
    "remove_group": ("Remove the group aml-packt-users", False),
    "remove_password_policy": ("Remove the account password policy", False),
    "remove_extras": (
        "Also remove what I added to AML@Packt myself (MFA devices, other policies, SSH keys, ...)",
        False,
    ),
    # Backups of the AWS files that hold only keys AWS no longer knows: dead secrets, nothing the book needs.
    "remove_old_backups": ("Delete backups of your AWS credentials file that hold only deleted keys", True),
}
# What Run All under AML_WALKTHROUGH_AUTO removes: the lesson's own clean-up (the user and its profile).
AUTO_TICKS: dict[str, bool] = {"remove_user": True, "remove_profile": True}


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
        self._auto = applies_itself(practice) if auto is None else auto
        defaults = {name: default for name, (_label, default) in TICKS.items()}
        if self._auto:
            defaults.update(AUTO_TICKS)
        self._boxes: dict[str, widgets.Checkbox] = {}
        for name, (label, _default) in TICKS.items():
            box = widgets.Checkbox(
                value=ticks.get(name, defaults[name]),
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
        self._out = ResultBox("aml-cleanup-out")
        self._slot = widgets.VBox()
        self._slot.add_class("aml-cleanup-confirm")
        children: list[widgets.Widget] = list(self._boxes.values())
        if not practice:
            children.append(self._admin)
        children += [self._button, self._out, self._slot]
        super().__init__(children)
        self.add_class("aml-cleanup-form")
        if self._auto:
            self._on_plan(self._button)
        else:
            self._out.show(
                "Nothing is removed yet: tick what you want removed, press 'Plan the clean-up', then Apply.", "info"
            )

    @property
    def value(self) -> dict[str, bool]:
        """The ticks as ``TeardownOptions`` keyword arguments."""
        return {name: box.value for name, box in self._boxes.items()}

    @property
    def result(self) -> Any:
        """What applying did (None until applied)."""
        return self.confirm.result if self.confirm is not None else None

    def _on_plan(self, _button: widgets.Button) -> None:
        if self._button.disabled:
            return
        self._button.disabled = True
        self._slot.children = ()
        self.confirm = None
        admin = self._admin.value.strip() or None
        try:
            prepared = self._prepare(admin, **self.value)
        except Exception as exc:  # the learner sees a sentence, never a traceback
            self._out.show(explain(exc), "error")
            return
        finally:
            self._button.disabled = False
        self.confirm = ConfirmApply(
            prepared.plan,
            lambda plan: self._apply(plan, admin),
            account_id=prepared.account_id,
            practice=self._practice,
            auto=self._auto,
            caller_arn=prepared.caller_arn,
        )
        self._slot.children = (self.confirm,)
        if self.confirm.result is None:
            self._out.show(
                "The plan is below: nothing is removed until you press Apply."
                if not prepared.plan.empty
                else "Nothing is ticked, or nothing ticked is left to remove: the plan below is empty.",
                "info",
            )
        else:
            self._out.show("The plan below was applied: its result is under it.", "info")


@cell_guard
def clean_up_form(**ticks: bool) -> CleanupForm:
    """Notebook 06: clean up: ticks, then Plan, then Apply (it applies itself only under auto)."""
    from helpers.account import current_account
    from helpers.cleanup.notebook import apply_cleanup, prepare

    practice = current_account().practice
    return CleanupForm(prepare, lambda plan, admin: apply_cleanup(plan, admin), practice=practice, **ticks)
