"""Notebook 04's forms, driven with click(): the root-MFA check and hand-off, AML@Packt's device form."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timezone

import ipywidgets as widgets
import pyotp
import pytest

from helpers import account as account_logic
from helpers.identity import IAM_USER, Identity
from helpers.mfa import devices, verify
from helpers.sandbox import console_ui, scenarios
from helpers.sandbox.source import SandboxAccount
from helpers.sources import YourAwsFiles
from helpers.ui import mfa_form
from helpers.ui.mfa_device import DeviceForm
from tests.forms_support import enter_codes, said
from tests.sandbox_support import MFA_POLICY_ARN, client, module_sandbox, session

CALLER = Identity("123456789012", "arn:aws:iam::123456789012:user/AML@Packt", IAM_USER, "AML@Packt")


def enable_with(form, first: str, second: str) -> str:
    """Type two codes into the device form and press its enable button: what it says."""
    return enter_codes(form, form._enable, first, second)


def fake_check(summary: bool | None, report: bool | None, virtual: bool | None) -> verify.RootMfaCheck:
    readings = (
        verify.Reading(verify.SUMMARY, "AccountMFAEnabled", summary, "summary detail"),
        verify.Reading(verify.REPORT, "mfa_active of <root_account>", report, "report detail"),
        verify.Reading(verify.VIRTUAL, "a device assigned to the root ARN", virtual, "virtual detail"),
    )
    now = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
    return verify.RootMfaCheck(CALLER, readings, now, now)


def test_check_again_shows_which_source_said_what():
    answers = [fake_check(False, False, False), fake_check(True, False, True)]
    form = mfa_form.RootMfaCheckForm(lambda: answers.pop(0))
    assert form.value is False and "FAIL" in form._table.value and "no MFA" in form._table.value
    form._button.click()
    assert form.value is True
    table = form._table.value
    assert "PASS" in table and "older than the change" in table
    assert table.index("GetAccountSummary") < table.index("credential report") < table.index("ListVirtualMFADevices")


def test_a_failing_check_says_one_sentence_and_can_be_retried():
    def broken():
        raise verify.WalkthroughError("The practice account is not running: start it.")

    form = mfa_form.RootMfaCheckForm(broken)
    assert said(form) == "The practice account is not running: start it.\n" and form.value is None
    assert form._button.disabled is False


SEEDS: list[str] = []  # every seed handed to a simulated app, to scan outputs and widget states for


class PracticeWithConsole(SandboxAccount):
    """The sandbox source with the proposed console hook (until source.py has it)."""

    def console_stand_in(self, step, **context):
        if context.get("seed"):
            SEEDS.append(context["seed"])
        return console_ui.stand_in(step, home=self._home, **{"live": False, **context})


def test_on_a_real_account_the_console_steps_are_shown(monkeypatch):
    monkeypatch.setattr(account_logic, "current_account", lambda: account_logic.Account(YourAwsFiles(), "aml-packt"))
    steps = mfa_form.assign_form()
    assert isinstance(steps, widgets.HTML)
    assert "Assign MFA device" in steps.value and "second device" in steps.value and steps.value.count("<li>") == 8
    assert "nothing here is automatic" in mfa_form.assign_form(auto=True).value


sandbox = module_sandbox("sandbox-ui-mfa")


@pytest.fixture
def practice(sandbox, monkeypatch):
    home, _info = sandbox
    monkeypatch.setattr(
        account_logic, "current_account", lambda: account_logic.Account(PracticeWithConsole(home), "aml-packt")
    )
    return home


def test_in_the_practice_account_the_simulated_console_runs_and_the_check_turns_green(practice):
    scenarios.reset(at="04", home=practice)
    assert mfa_form.check_form().value is False
    console = mfa_form.assign_form(auto=True)
    assert isinstance(console, console_ui.SimulatedRootConsole) and console.value is True
    check = mfa_form.check_form()
    assert check.value is True and "All three sources agree." in check._table.value
    root_seed = console._app._SimulatedAuthenticator__totp.secret
    assert_seed_free(console, [root_seed])


def test_run_all_device_form_is_skipped_cleanly_without_rights(practice):
    info = scenarios.reset(at="03", home=practice)
    root = client(practice, "root-keys")
    root.detach_group_policy(GroupName="aml-packt-users", PolicyArn=MFA_POLICY_ARN.format(info.account_id))
    form = mfa_form.enable_form()
    assert isinstance(form, DeviceForm)
    assert "AML@Packt may not call iam:CreateVirtualMFADevice (AccessDenied)" in said(form)
    assert form.value is None and "has no MFA device yet" in form._list.value


def grant_self_service(home) -> None:
    scenarios.reset(at="03", home=home)  # the group carries aml-packt-self-service-mfa from notebook 02


def test_run_all_device_form_completes_and_converges(practice):
    scenarios.reset(at="04", home=practice)  # as a lesson run reaches notebook 04: no root keys any more
    form = mfa_form.enable_form()
    assert form.value and form.value.endswith(":mfa/AML-Packt-phone"), said(form)
    assert "AML-Packt-phone" in form._list.value and "1 of at most 8" in form._list.value
    assert bytes(form._qr.value) == b""
    again = mfa_form.enable_form()
    assert "already has the device AML-Packt-phone: nothing to do" in said(again)
    assert SEEDS
    assert_seed_free(form, SEEDS)


def assert_seed_free(form, seeds: list[str]) -> None:
    """No seed in the form's outputs, any widget's state (as a notebook would save it) or a repr."""
    state = json.dumps(widgets.Widget.get_manager_state(drop_defaults=False), default=str)
    shown = said(form) + state + repr(form)
    assert seeds and all(len(seed) >= 16 for seed in seeds)
    for seed in seeds:
        assert seed not in shown


def test_a_learner_creates_types_resyncs_and_removes_on_a_real_style_form(practice, monkeypatch):
    grant_self_service(practice)
    seen: list[str] = []

    def app(seed, label):
        seen.append(seed)
        # The app's clock runs a minute slow (AWS tolerates that): its codes are older steps, so the device's
        # code for the next step is still unused when the MFA session asks for one, without waiting.
        return console_ui.SimulatedAuthenticator(seed, label, live=False, clock=lambda: time.time() - 60)

    s = session(practice, "aml-packt")
    form = DeviceForm(s, "AML@Packt", practice=False, account_id="381492058731", authenticator=app)
    assert "AML-Packt-phone" in form._plan.value and said(form) == ""  # the plan first, nothing changed
    form._create.click()
    assert "Type the account ID 381492058731" in said(form) and "Nothing was changed" in said(form)
    assert re.search(r"virtual MFA device</td><td[^>]*>AML-Packt-phone</td>", form._plan.value)
    form._typed.value = "381492058731"
    form._create.click()
    assert bytes(form._qr.value).startswith(b"\x89PNG")
    assert "first code contains letters" in enable_with(form, "abc123", "123456")
    assert "has 7 digits" in enable_with(form, "1234567", "123456")
    first, second = form._app.consecutive_codes()
    assert "MFA device AML-Packt-phone is enabled for AML@Packt." in enable_with(form, first, second)
    assert form._pick.value == form.value
    form._r1.value, form._r2.value = "111111", "111111"
    form._resync.click()
    assert "same code twice" in said(form)
    form._r1.value, form._r2.value = form._app.consecutive_codes()
    form._resync.click()
    assert "is in step with AWS again" in said(form) or "remove the device, then create" in said(form)
    form._remove.click()  # AWS wants an MFA session to deactivate a device: no code typed, nothing removed
    assert said(form).strip() == "AWS requires an MFA session for this: enter a code from your existing device."
    # The codes above are spent (each works once): the device's code for the next 30 s step (read from the
    # seed, no waiting) signs the MFA session the practice account asks for, as on AWS.
    asked = []
    real_session = devices.mfa_session
    monkeypatch.setattr(
        devices,
        "mfa_session",
        lambda session, serial, code: asked.append((serial, code)) or real_session(session, serial, code),
    )
    fresh = pyotp.TOTP(seen[-1]).at(time.time() + 30)
    form._session_code.value = fresh
    form._remove.click()
    assert asked == [(form.value, fresh)] and form._session_code.value == ""
    assert "Deleted virtual device AML-Packt-phone." in said(form)
    assert "has no MFA device yet" in form._list.value
    form._remove.click()
    assert "no device to remove" in said(form)
    assert_seed_free(form, seen)


def test_forms_without_a_profile_say_what_to_do(monkeypatch):
    monkeypatch.setattr(account_logic, "current_account", lambda: account_logic.Account(YourAwsFiles(), None))
    check = mfa_form.check_form()
    assert said(check).startswith("No profile is active yet.") and check.value is None
    skipped = mfa_form.enable_form()
    assert isinstance(skipped, widgets.HTML) and "No profile is active yet." in skipped.value


def test_as_the_root_user_the_check_works_and_the_device_form_explains(sandbox, monkeypatch):
    home, _info = sandbox
    scenarios.reset(at="03", home=home)  # a learner who skipped notebook 03: root keys still there
    monkeypatch.setattr(
        account_logic, "current_account", lambda: account_logic.Account(PracticeWithConsole(home), "root-keys")
    )
    check = mfa_form.check_form()
    assert check.value is False and "arn:aws:iam::381492058731:root" in check._table.value
    skipped = mfa_form.enable_form()
    assert isinstance(skipped, widgets.HTML) and "not an IAM user" in skipped.value


def test_in_the_practice_account_the_device_form_waits_and_the_qr_leaves_after_wrong_codes(practice, monkeypatch):
    monkeypatch.delenv("AML_WALKTHROUGH_AUTO", raising=False)
    scenarios.reset(at="04", home=practice)
    form = mfa_form.enable_form()
    assert form.value is None and "has no MFA device yet" in form._list.value  # nothing created by the cell
    assert form._typed not in form.children[1].children  # no typed account ID in the practice account
    form._create.click()
    assert bytes(form._qr.value).startswith(b"\x89PNG") and form._app is not None  # the app shows the codes
    form._code1.value, form._code2.value = "000000", "111111"
    form._enable.click()
    assert "aml-result-error" in form._out.value and form.value is None
    assert bytes(form._qr.value) == b"" and form._qr_panel._again in form._qr_panel.children  # gone, offered again
    assert form._code1.value == "" and form._code2.value == ""  # emptied after the attempt
    assert "000000" not in form._out.value
    form._qr_panel._again.click()
    assert bytes(form._qr.value).startswith(b"\x89PNG")
    form._qr_panel._timed_out(5)  # the timeout's own callback, called at once (no waiting in tests)
    assert bytes(form._qr.value) == b"" and "after 5 minutes" in form._qr_panel._note.value
    form._code1.value, form._code2.value = form._app.consecutive_codes()
    form._enable.click()
    assert form.value and form.value.endswith(":mfa/AML-Packt-phone")
    assert form._qr_panel.children == () and bytes(form._qr.value) == b""
    assert_seed_free(form, SEEDS)


def test_closing_the_device_form_takes_the_qr_code_away(practice, monkeypatch):
    monkeypatch.delenv("AML_WALKTHROUGH_AUTO", raising=False)
    scenarios.reset(at="04", home=practice)
    form = mfa_form.enable_form()
    form._create.click()
    qr = form._qr
    assert bytes(qr.value).startswith(b"\x89PNG")
    form.close()
    assert bytes(qr.value) == b"" and form._device is None


def test_root_console_waits_for_the_learner_unless_auto(practice, monkeypatch):
    scenarios.reset(at="04", home=practice)
    monkeypatch.delenv("AML_WALKTHROUGH_AUTO", raising=False)
    waiting = mfa_form.assign_form()
    assert isinstance(waiting, console_ui.SimulatedRootConsole) and waiting.value is False
    monkeypatch.setenv("AML_WALKTHROUGH_AUTO", "1")
    assigned = mfa_form.assign_form()  # no argument: auto from the environment
    assert assigned.value is True


def test_an_earlier_unfinished_attempt_is_offered_start_over_and_nothing_else_is_deleted(practice, monkeypatch):
    monkeypatch.delenv("AML_WALKTHROUGH_AUTO", raising=False)
    scenarios.reset(at="04", home=practice)
    devices.forget_unfinished()
    first = mfa_form.enable_form()
    first._create.click()
    first_serial = first._device.serial
    first.close()  # the learner moves on before enabling: the device stays unassigned
    again = mfa_form.enable_form()
    assert again._start_over.layout.display == "none"
    again._create.click()
    assert "aml-result-error" in again._out.value and again._device is None
    assert again._start_over.layout.display is None  # offered: it is this notebook's own attempt
    again._start_over.click()
    assert again._device is not None and again._device.serial == first_serial
    assert "deleted and created again" in again._out.value
    assert again._start_over.layout.display == "none"
    again.close()
    # Someone else's unassigned device of that name is never deleted: the name is taken.
    devices.forget_unfinished()
    other = mfa_form.enable_form()
    other._create.click()
    assert "is taken" in other._out.value and other._start_over.layout.display == "none"
    root = client(practice, "aml-packt")
    names = [
        d["SerialNumber"] for d in root.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
    ]
    assert first_serial in names
