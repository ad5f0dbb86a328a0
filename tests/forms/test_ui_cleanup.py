"""Notebook 06's teardown form, driven with click(): ticks, plan, typed confirmation, practice auto-apply."""

from __future__ import annotations

from dataclasses import dataclass

from helpers.cleanup.apply import TeardownResult
from helpers.cleanup.plan import Step
from helpers.errors import WalkthroughError
from helpers.plan import Plan
from helpers.ui.cleanup_form import TICKS, CleanupForm

ACCOUNT = "123456789012"


@dataclass
class Prepared:
    plan: Plan
    account_id: str = ACCOUNT
    caller_arn: str = f"arn:aws:iam::{ACCOUNT}:user/admin"


class Fake:
    """Records what the form asked for; plans one step."""

    def __init__(self, fail: Exception | None = None):
        self.prepared: list[tuple] = []
        self.applied: list[tuple] = []
        self.fail = fail

    def prepare(self, admin, **ticks):
        self.prepared.append((admin, ticks))
        if self.fail:
            raise self.fail
        step = Step("delete", "user", "AML@Packt", "", "delete_user", {"user": "AML@Packt"})
        return Prepared(Plan("Clean up", (step,)))

    def apply(self, plan, admin):
        self.applied.append((plan, admin))
        return TeardownResult(done=["Deleted user AML@Packt."])


def text(out) -> str:
    return "".join(o.get("text", "") for o in out.outputs)


def test_real_account_plans_on_click_and_waits_for_the_typed_account_id():
    fake = Fake()
    form = CleanupForm(fake.prepare, fake.apply, practice=False)
    assert fake.prepared == [] and form.confirm is None  # nothing happens until asked
    form._admin.value = " admin "
    form._boxes["remove_group"].value = True
    form._button.click()
    assert fake.prepared == [("admin", {**{k: d for k, (_, d) in TICKS.items()}, "remove_group": True})]
    confirm = form.confirm
    assert confirm is not None and "AML@Packt" in confirm._table.value and fake.applied == []
    confirm._typed.value = "000000000000"
    confirm._button.click()
    assert fake.applied == [] and "does not match" in text(confirm._out)
    confirm._typed.value = ACCOUNT
    confirm._button.click()
    confirm._button.click()  # a second click does nothing
    assert len(fake.applied) == 1 and fake.applied[0][1] == "admin"
    assert "Deleted user AML@Packt." in text(confirm._out)
    assert form.result.ok


def test_practice_account_plans_and_applies_when_shown():
    fake = Fake()
    form = CleanupForm(fake.prepare, fake.apply, practice=True)
    assert len(fake.applied) == 1 and fake.applied[0][1] is None
    assert form._admin not in form.children  # the practice account needs no administrator profile
    assert "Clean-up done" in text(form.confirm._out)


def test_a_planning_problem_is_one_sentence_and_the_button_works_again():
    fake = Fake(fail=WalkthroughError("Nobody here can remove AML@Packt: name a profile."))
    form = CleanupForm(fake.prepare, fake.apply, practice=True)
    assert text(form._out) == "Nobody here can remove AML@Packt: name a profile.\n"
    assert form.confirm is None and not form._button.disabled and fake.applied == []


def test_ticks_have_stable_classes_and_defaults_that_keep_what_the_book_needs():
    form = CleanupForm(Fake().prepare, Fake().apply, practice=False, remove_group=True)
    assert form.value["remove_group"]  # a tick passed in
    assert not form.value["remove_user"] and not form.value["remove_profile"]  # the book goes on with them
    assert not form.value["remove_extras"] and not form.value["remove_password_policy"]
    assert "aml-cleanup-remove-extras" in form._boxes["remove_extras"]._dom_classes
    assert "aml-cleanup-form" in form._dom_classes


def test_practice_account_deletes_nothing_until_planned_and_applied(monkeypatch):
    monkeypatch.delenv("AML_WALKTHROUGH_AUTO", raising=False)
    fake = Fake()
    form = CleanupForm(fake.prepare, fake.apply, practice=True)
    assert fake.prepared == [] and fake.applied == [] and form.confirm is None  # running the cell: nothing
    # Nothing the book needs is ticked; only backups holding deleted keys (dead secrets) are.
    assert {name for name, ticked in form.value.items() if ticked} == {"remove_old_backups"}
    assert "Nothing is removed yet" in form._out.text
    form._boxes["remove_user"].value = True
    form._button.click()
    assert fake.prepared[0][1]["remove_user"] and fake.applied == []  # planned, not applied
    assert form.confirm._typed not in form.confirm.children and "press Apply" in form._out.text
    form.confirm._button.click()
    assert len(fake.applied) == 1 and "Deleted user AML@Packt." in text(form.confirm._out)


def test_under_auto_the_practice_form_ticks_the_lessons_clean_up_and_applies(monkeypatch):
    monkeypatch.setenv("AML_WALKTHROUGH_AUTO", "1")
    fake = Fake()
    form = CleanupForm(fake.prepare, fake.apply, practice=True)
    assert form.value["remove_user"] and form.value["remove_profile"] and len(fake.applied) == 1
    real = CleanupForm(fake.prepare, fake.apply, practice=False)
    assert real.confirm is None and len(fake.applied) == 1  # a real account always waits
