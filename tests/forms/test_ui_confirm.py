"""The reusable plan + Apply form, driven with click() (no AWS at all)."""

from __future__ import annotations

from botocore.exceptions import ClientError

from helpers.plan import Change, Plan
from helpers.ui.confirm import ConfirmApply, plan_table_html

PLAN = Plan(
    "Set up", (Change("create", "user", "AML@Packt"), Change("attach", "policy", "X", "to group g")), ("a note",)
)


def out_text(form: ConfirmApply) -> str:
    return "".join(o.get("text", "") for o in form._out.outputs)


def recorder(result="Done."):
    calls = []

    def apply(plan):
        calls.append(plan)
        return result

    return calls, apply


def test_table_lists_every_change_and_note():
    text = plan_table_html(PLAN)
    assert "AML@Packt" in text and "to group g" in text and "a note" in text and "<table" in text
    assert "nothing to change" in plan_table_html(Plan("Set up"))


def test_real_account_needs_the_typed_account_id():
    calls, apply = recorder()
    form = ConfirmApply(PLAN, apply, account_id="123456789012", practice=False, caller_arn="arn:aws:iam::1:root")
    assert calls == [] and form._typed in form.children
    form._button.click()
    assert calls == [] and "does not match" in out_text(form) and "Nothing was changed" in out_text(form)
    form._typed.value = "210987654321"
    form._button.click()
    assert calls == []
    form._typed.value = " 123456789012 "
    form._button.click()
    assert calls == [PLAN] and "Done." in out_text(form) and form.value == "Done."


def test_double_click_applies_once():
    calls, apply = recorder()
    form = ConfirmApply(PLAN, apply, account_id="123456789012", practice=False)
    form._typed.value = "123456789012"
    form._button.click()
    form._button.click()
    assert len(calls) == 1 and form._button.disabled


def test_button_disabled_while_working():
    seen = []
    form = None

    def apply(plan):
        seen.append((form._button.disabled, form._typed.disabled))
        form._button.click()  # a click arriving while applying is ignored
        return "ok"

    form = ConfirmApply(PLAN, apply, account_id="1", practice=False)
    form._typed.value = "1"
    form._button.click()
    assert seen == [(True, True)]


def test_practice_account_applies_when_the_cell_runs():
    calls, apply = recorder()
    form = ConfirmApply(PLAN, apply, account_id="123456789012", practice=True)
    assert calls == [PLAN] and form.applied and form._typed not in form.children


def test_practice_can_wait_for_a_click_and_needs_no_typing():
    calls, apply = recorder()
    form = ConfirmApply(PLAN, apply, practice=True, auto=False)
    assert calls == []
    form._button.click()
    assert calls == [PLAN]


def test_empty_plan_has_no_apply_button():
    calls, apply = recorder()
    form = ConfirmApply(Plan("Set up"), apply, practice=True)
    assert calls == [] and form._button not in form.children


def test_error_is_a_sentence_and_retry_is_allowed():
    attempts = []

    def apply(plan):
        attempts.append(1)
        if len(attempts) == 1:
            raise ClientError({"Error": {"Code": "EntityAlreadyExists", "Message": "x"}}, "CreateUser")
        return "ok"

    form = ConfirmApply(PLAN, apply, practice=True, auto=False)
    form._button.click()
    assert "already exists" in out_text(form) and "Traceback" not in out_text(form)
    assert not form._button.disabled
    form._button.click()
    assert len(attempts) == 2 and form.applied


def test_result_with_lines_and_not_ok_keeps_apply_available():
    class Result:
        ok = False

        def lines(self):
            return ["Created group g.", "Stopped at: create user. Run the cell again to finish."]

    done = []
    form = ConfirmApply(PLAN, lambda p: Result(), practice=True, auto=False, on_done=done.append)
    form._button.click()
    assert "Stopped at" in out_text(form) and not form.applied and not form._button.disabled
    assert len(done) == 1


def test_in_the_practice_account_the_form_waits_for_the_click(monkeypatch):
    monkeypatch.delenv("AML_WALKTHROUGH_AUTO", raising=False)
    calls, apply = recorder()
    form = ConfirmApply(PLAN, apply, account_id="123456789012", practice=True)
    assert calls == [] and form.result is None  # running the cell changed nothing
    assert form._typed not in form.children and form._button in form.children  # no typed ID here
    assert "press Apply" in out_text(form)
    form._button.click()
    assert calls == [PLAN] and out_text(form) == "Done.\n"  # the result replaced the waiting line


def test_under_auto_the_practice_form_applies_itself_but_a_real_account_still_waits(monkeypatch):
    monkeypatch.setenv("AML_WALKTHROUGH_AUTO", "1")
    calls, apply = recorder()
    ConfirmApply(PLAN, apply, practice=True)
    assert calls == [PLAN]
    real = ConfirmApply(PLAN, apply, account_id="123456789012", practice=False)
    assert calls == [PLAN] and real.result is None and real._typed in real.children


def test_a_wrong_account_id_is_not_quoted_and_the_box_is_emptied():
    calls, apply = recorder()
    form = ConfirmApply(PLAN, apply, account_id="123456789012", practice=False)
    form._typed.value = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # a secret pasted by mistake
    form._button.click()
    assert calls == [] and "wJalr" not in form._out.value and form._typed.value == ""
    assert "aml-result-error" in form._out.value
