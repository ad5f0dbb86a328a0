"""Notebook 03's form, pressed with click(): fake actions for the flow, the practice account end to end."""

from __future__ import annotations

from datetime import datetime, timezone

from helpers import root_keys
from helpers.account import Account
from helpers.errors import WalkthroughError
from helpers.root_keys import (
    KEYS_GONE,
    NOT_ROOT_KEYS_PRESENT,
    ROOT_WITH_KEYS,
    Actions,
    CheckResult,
    Observation,
    Proof,
    RootKey,
    StepResult,
)
from helpers.sandbox import console, scenarios
from helpers.sandbox.source import SandboxAccount
from helpers.ui.root_keys_form import RootKeysForm
from tests.sandbox_support import module_sandbox

KEY = "AKIAROOTKEY000000001"
ACCOUNT = "123456789012"
CREATED = datetime(2025, 1, 2, tzinfo=timezone.utc)


class FakeAccount:
    """A root user with one key, as plain callables; counts every call."""

    def __init__(self, caller_is_root: bool = True, practice: bool = True):
        self.keys_left = True
        self.deactivated = False
        self.root = caller_is_root
        self.practice = practice
        self.calls: list[str] = []
        self.reenter = None  # a callable run inside deactivate (a second click mid-step)

    def observe(self) -> Observation:
        self.calls.append("observe")
        if not self.root or not self.keys_left:
            situation = NOT_ROOT_KEYS_PRESENT if self.keys_left else KEYS_GONE
            return Observation(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/AML@Packt", False, situation, (), self.keys_left)
        key = RootKey(KEY, "Inactive" if self.deactivated else "Active", CREATED, signs_this_session=True)
        return Observation(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", True, ROOT_WITH_KEYS, (key,), True, KEY)

    def deactivate(self) -> StepResult:
        self.calls.append("deactivate")
        if self.reenter:
            self.reenter()
        return StepResult("deactivate", True, ("No other active root key to deactivate.",))

    def verify(self) -> Proof:
        self.calls.append("verify")
        return Proof(True, ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/AML@Packt")

    def delete(self, proof, accepted, typed) -> StepResult:
        self.calls.append("delete")
        if not (proof and proof.ok) and not root_keys.accepted_console(accepted):
            raise WalkthroughError("Nothing was deleted: first run Verify.")
        if not self.practice and KEY not in (typed or ""):
            raise WalkthroughError(f"Nothing was deleted: type the key ID(s) to confirm ({KEY}).")
        self.keys_left = False
        return StepResult("delete", True, (f"Deleted root access key {KEY}.",), root_session_closed=True)

    def check(self) -> CheckResult:
        self.calls.append("check")
        if self.keys_left:
            return CheckResult(
                False, "The root user still has at least one access key.", tuple(root_keys.console_steps())
            )
        return CheckResult(True, "The root user has no access keys.")

    def actions(self) -> Actions:
        return Actions(self.observe, self.deactivate, self.verify, self.delete, self.check, self.practice)


def button(form, step):
    return form._buttons[step]


def test_practice_runs_the_three_steps_once_when_the_cell_runs():
    fake = FakeAccount(practice=True)
    form = RootKeysForm(fake.actions())
    assert [c for c in fake.calls if c != "observe"] == ["deactivate", "verify", "delete", "check"]
    assert "Deleted root access key" in form._results["delete"].value
    assert "PASS" in form._check_result.value and form.value["check"].passed
    assert all(b.disabled for b in form._buttons.values())
    assert "step 3 deleted them" in form._plan.value and "Nothing to do" not in form._plan.value


def test_real_account_buttons_enable_in_order_and_delete_needs_typed_ids():
    fake = FakeAccount(practice=False)
    form = RootKeysForm(fake.actions())
    assert fake.calls == ["observe"]  # nothing changes until a button is pressed
    assert KEY in form._table.value and f">{KEY}</td>" in form._plan.value
    assert "stays active until it deletes itself" in form._plan.value
    assert [button(form, s).disabled for s in ("deactivate", "verify", "delete")] == [False, True, True]
    button(form, "delete").click()  # disabled: ignored
    assert "delete" not in fake.calls
    button(form, "deactivate").click()
    assert [button(form, s).disabled for s in ("deactivate", "verify", "delete")] == [True, False, True]
    button(form, "verify").click()
    assert "You will not be locked out" in form._results["verify"].value
    assert not button(form, "delete").disabled
    button(form, "delete").click()
    assert "type the key ID" in form._results["delete"].value and fake.keys_left
    assert not button(form, "delete").disabled  # fix the cause, press again
    form._typed.value = KEY
    button(form, "delete").click()
    assert not fake.keys_left and "PASS" in form._check_result.value


def test_double_click_runs_a_step_once():
    fake = FakeAccount(practice=False)
    form = RootKeysForm(fake.actions())
    fake.reenter = lambda: button(form, "deactivate").click()  # clicked again while it runs
    button(form, "deactivate").click()
    button(form, "deactivate").click()
    assert fake.calls.count("deactivate") == 1


def test_not_root_shows_console_steps_and_check_again():
    fake = FakeAccount(caller_is_root=False, practice=False)
    form = RootKeysForm(fake.actions())
    assert all(b.disabled for b in form._buttons.values())
    assert "Only the root user can delete" in form._plan.value and "Deactivate" in form._plan.value
    form._check.click()
    assert "FAIL" in form._check_result.value
    fake.keys_left = False  # the learner deleted them in the console
    form._check.click()
    assert "PASS" in form._check_result.value and "Nothing to do" in form._plan.value


def test_observe_failure_is_a_sentence():
    fake = FakeAccount()

    def broken():
        raise WalkthroughError("The practice account stopped answering: start it again.")

    actions = Actions(broken, fake.deactivate, fake.verify, fake.delete, fake.check, True)
    form = RootKeysForm(actions)
    assert "stopped answering" in form._status.value and all(b.disabled for b in form._buttons.values())


sandbox = module_sandbox("sandbox-ui-root-keys")


def test_practice_account_end_to_end_then_nothing_to_do(sandbox, tmp_path, monkeypatch):
    home, _info = sandbox
    monkeypatch.setenv("AML_WALKTHROUGH_HOME", str(tmp_path))
    scenarios.reset(at="03", home=home)
    chosen = Account(SandboxAccount(home), "aml-packt")
    form = RootKeysForm(root_keys.actions_for_account(chosen))
    assert form.value["delete"].ok and form.value["check"].passed
    assert console.root_state(home=home)["access_keys"] == []
    assert not root_keys.has_profile(chosen.files(), "root-keys")
    again = RootKeysForm(root_keys.actions_for_account(chosen))
    assert again.obs.situation == KEYS_GONE and "delete" not in again.value
    assert "Nothing to do" in again._plan.value


def test_in_the_practice_account_each_step_is_its_own_click_enabled_in_order(monkeypatch):
    monkeypatch.delenv("AML_WALKTHROUGH_AUTO", raising=False)
    fake = FakeAccount(practice=True)
    form = RootKeysForm(fake.actions())
    assert fake.calls == ["observe"]  # running the cell changed nothing
    assert form._typed not in form.children  # no typed key IDs in the practice account
    assert [button(form, s).disabled for s in ("deactivate", "verify", "delete")] == [False, True, True]
    button(form, "verify").click()
    button(form, "delete").click()
    assert fake.calls == ["observe"]  # disabled buttons do nothing
    button(form, "deactivate").click()
    assert [button(form, s).disabled for s in ("deactivate", "verify", "delete")] == [True, False, True]
    assert "aml-result-ok" in form._results["deactivate"].value
    button(form, "verify").click()
    assert [button(form, s).disabled for s in ("deactivate", "verify", "delete")] == [True, True, False]
    button(form, "delete").click()
    assert not fake.keys_left and "Deleted root access key" in form._results["delete"].value
    assert "PASS" in form._check_result.value


def test_a_failed_verify_keeps_delete_off_until_it_works_or_the_sentence_is_typed(monkeypatch):
    monkeypatch.delenv("AML_WALKTHROUGH_AUTO", raising=False)
    fake = FakeAccount(practice=True)
    fake.verify = lambda: Proof(False, ACCOUNT, None, problem="No IAM profile of this account works.")
    form = RootKeysForm(fake.actions())
    button(form, "deactivate").click()
    button(form, "verify").click()
    assert button(form, "delete").disabled and not button(form, "verify").disabled
    assert "aml-result-error" in form._results["verify"].value
    form._accept.value = root_keys.ACCEPT_SENTENCE
    assert not button(form, "delete").disabled
    form._accept.value = "something else"
    assert button(form, "delete").disabled
