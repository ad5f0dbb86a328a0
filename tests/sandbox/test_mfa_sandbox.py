"""Notebook 04's logic against the practice account: TOTP rules, user devices, root verification, clock.

A private sandbox for this module (its own state folder, process and port), reset to the
notebook's checkpoints. AML@Packt's MFA self-service rights come from the lesson's own
``${aws:username}``-scoped policy, aml-packt-self-service-mfa, which checkpoints 03 onwards carry.
"""

from __future__ import annotations

import time

import pyotp
import pytest
from botocore.exceptions import ClientError

from helpers.errors import WalkthroughError
from helpers.mfa import clock, devices, verify
from helpers.sandbox import console
from tests.sandbox_support import MFA_POLICY_ARN, client, code_of, module_sandbox, reset_at, session

USER = "AML@Packt"


sandbox = module_sandbox("sandbox-mfa")


@pytest.fixture
def at04(sandbox):
    return reset_at(sandbox, "04")


@pytest.fixture
def self_service(sandbox):
    """Checkpoint 03 (root keys still there): the group carries the MFA self-service policy."""
    return reset_at(sandbox, "03")


def new_device(home, name="AML-Packt-phone"):
    return devices.create_device(session(home, "aml-packt"), USER, name)


def test_right_codes_enable_and_reused_ones_are_refused(self_service):
    s = session(self_service, "aml-packt")
    device, notes = new_device(self_service)
    assert notes == [] and device.qr_png.startswith(b"\x89PNG")
    assert device.seed not in repr(device) and "****" in repr(device)
    totp = pyotp.TOTP(device.seed)
    now = time.time()  # a fixed clock: the previous window and the current one, then the next for the session
    first, second = totp.at(now - 30), totp.at(now)
    assert devices.enable_device(s, USER, device, f"{first[:3]} {first[3:]}", second)[0].startswith("The spaces")
    assert [d.serial for d in devices.list_devices(s, USER)] == [device.serial]
    # Re-enabling with the same codes: AWS refuses codes already used once. Deactivating the
    # device needs an MFA session (as on AWS), signed in with the device's next code.
    iam = client(self_service, "aml-packt")
    with pytest.raises(ClientError) as err:
        iam.deactivate_mfa_device(UserName=USER, SerialNumber=device.serial)
    assert code_of(err.value) == "AccessDenied"
    signed_in = devices.mfa_session(s, device.serial, totp.at(now + 30))
    signed_in.client("iam").deactivate_mfa_device(UserName=USER, SerialNumber=device.serial)
    with pytest.raises(ClientError) as err:
        iam.enable_mfa_device(
            UserName=USER, SerialNumber=device.serial, AuthenticationCode1=first, AuthenticationCode2=second
        )
    assert code_of(err.value) == "InvalidAuthenticationCode"


def test_wrong_skewed_and_far_apart_codes_are_refused_with_a_reason(self_service):
    s = session(self_service, "aml-packt")
    device, _notes = new_device(self_service, "skew-test")
    totp = pyotp.TOTP(device.seed)
    now = time.time()
    cases = [
        (("000000", "111111"), "Neither code comes from this device"),
        ((totp.at(now - 600), totp.at(now - 570)), "too old"),  # a clock 10 minutes slow
        ((totp.at(now + 300), totp.at(now + 330)), "clock is off"),  # a clock 5 minutes fast
        ((totp.at(now - 60), totp.at(now)), "2 codes apart"),
    ]
    for (code1, code2), words in cases:
        if code1 == code2:
            continue  # astronomically rare TOTP collision: the pair check would catch it first
        with pytest.raises(WalkthroughError) as err:
            devices.enable_device(s, USER, device, code1, code2)
        assert str(err.value).startswith("AWS refused the codes."), str(err.value)
        assert words in str(err.value)
        assert device.seed not in str(err.value)
    assert devices.list_devices(s, USER) == []  # nothing half-done


def test_device_names_limits_and_unfinished_devices(self_service):
    s = session(self_service, "aml-packt")
    with pytest.raises(WalkthroughError, match="cannot be a device name"):
        devices.plan_new_device(s, USER, "my phone")
    plan = devices.plan_new_device(s, USER, "AML-Packt-phone")
    assert plan.lines()[0] == "Would create virtual MFA device AML-Packt-phone. Calls iam:CreateVirtualMFADevice."
    # This flow created the device but never enabled it: the next attempt is offered "Start over", and only
    # with it is that device (and only that one) deleted and made again.
    devices.forget_unfinished()
    first, _ = new_device(self_service)
    with pytest.raises(devices.NameTaken) as taken:
        new_device(self_service)
    assert taken.value.own and "Choose 'Start over'" in str(taken.value)
    assert "earlier in this notebook" in devices.plan_new_device(s, USER, "AML-Packt-phone").notes[-1]
    again = devices.plan_new_device(s, USER, "AML-Packt-phone", start_over=True)
    assert again.lines()[0].startswith("Would delete unfinished virtual MFA device AML-Packt-phone")
    device, notes = devices.create_device(s, USER, "AML-Packt-phone", start_over=True)
    assert notes and "deleted and created again" in notes[0]
    assert device.serial == first.serial and device.seed != first.seed
    totp = pyotp.TOTP(device.seed)
    now = time.time()
    devices.enable_device(s, USER, device, totp.at(now), totp.at(now + 30))
    assert devices.unfinished_device(USER, "AML-Packt-phone") is None
    with pytest.raises(WalkthroughError, match="already has a device named AML-Packt-phone"):
        devices.plan_new_device(s, USER, "AML-Packt-phone")
    with pytest.raises(devices.NameTaken, match=r"The device name AML-Packt-phone is taken \(a device in use"):
        devices.create_device(s, USER, "AML-Packt-phone", start_over=True)
    # Fill up to AWS's maximum of 8 devices per user.
    root = client(self_service, "root-keys")
    for n in range(2, devices.MAX_DEVICES + 1):
        extra = root.create_virtual_mfa_device(VirtualMFADeviceName=f"extra-{n}")["VirtualMFADevice"]
        t = pyotp.TOTP(extra["Base32StringSeed"].decode())
        root.enable_mfa_device(
            UserName=USER,
            SerialNumber=extra["SerialNumber"],
            AuthenticationCode1=t.at(now),
            AuthenticationCode2=t.at(now + 30),
        )
    with pytest.raises(WalkthroughError, match="already has 8 MFA devices, the most AWS allows"):
        devices.plan_new_device(s, USER, "ninth")


def test_another_users_unfinished_device_of_that_name_is_never_deleted(self_service):
    """Issue 15: someone else's unassigned device of the chosen name is left alone, with a sentence."""
    s = session(self_service, "aml-packt")
    root = client(self_service, "root-keys")
    devices.forget_unfinished()
    theirs = root.create_virtual_mfa_device(VirtualMFADeviceName="shared-phone")["VirtualMFADevice"]["SerialNumber"]
    for start_over in (False, True):
        with pytest.raises(devices.NameTaken) as taken:
            devices.create_device(s, USER, "shared-phone", start_over=start_over)
        assert str(taken.value) == (
            "The device name shared-phone is taken (an unfinished enrolment); choose another name."
        )
        assert not taken.value.own
    listed = root.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
    assert theirs in [d["SerialNumber"] for d in listed]  # still there, untouched
    assert "Start over" not in " ".join(devices.plan_new_device(s, USER, "shared-phone").notes)


def test_remove_is_idempotent_and_resync_falls_back_with_a_sentence(self_service):
    s = session(self_service, "aml-packt")
    device, _ = new_device(self_service)
    totp = pyotp.TOTP(device.seed)
    now = time.time()  # a fixed clock: codes from earlier windows, so the next one is still fresh for the session
    devices.enable_device(s, USER, device, totp.at(now - 90), totp.at(now - 60))
    try:
        lines = devices.resync_device(s, USER, device.serial, totp.at(now - 60), totp.at(now - 30))
        assert "in step" in lines[-1]
    except WalkthroughError as exc:  # an account without ResyncMFADevice: the fallback is named
        assert "remove the device" in str(exc)
    with pytest.raises(WalkthroughError, match="requires an MFA session"):
        devices.remove_device(s, USER, device.serial)  # plain long-term keys: AWS wants an MFA session
    signed_in = devices.mfa_session(s, device.serial, totp.at(now + 30))
    assert devices.remove_device(s, USER, device.serial, signed_in=signed_in) == [
        "Deactivated AML-Packt-phone for AML@Packt.",
        "Deleted virtual device AML-Packt-phone.",
    ]
    assert devices.remove_device(s, USER, device.serial) == ["AML-Packt-phone was already gone: nothing to remove."]
    assert devices.list_devices(s, USER) == []


def test_without_self_service_rights_the_missing_permission_is_named(self_service, sandbox):
    _home, info = sandbox
    client(self_service, "root-keys").detach_group_policy(
        GroupName="aml-packt-users", PolicyArn=MFA_POLICY_ARN.format(info.account_id)
    )
    s = session(self_service, "aml-packt")
    assert devices.list_devices(s, USER) == []  # IAMReadOnlyAccess can read
    with pytest.raises(WalkthroughError) as err:
        devices.create_device(s, USER, "AML-Packt-phone")
    text = str(err.value)
    assert "AML@Packt may not call iam:CreateVirtualMFADevice (AccessDenied)" in text
    assert "root user" in text and "aml-packt-users" in text


def test_root_mfa_verified_as_aml_packt_before_and_after_the_console(at04):
    s = session(at04, "aml-packt")
    before = verify.check_root_mfa(s, max_wait=10)
    assert before.enabled is False and before.agree
    assert before.caller.arn.endswith(":user/AML@Packt")
    device = console.create_root_mfa_device(home=at04)
    totp = pyotp.TOTP(device.seed)
    now = time.time()
    with pytest.raises(WalkthroughError, match="not valid"):
        console.enable_root_mfa(device.serial, totp.at(now - 900), totp.at(now - 870), home=at04)
    console.enable_root_mfa(device.serial, totp.at(now), totp.at(now + 30), home=at04)
    after = verify.check_root_mfa(s, max_wait=10)
    assert [r.enabled for r in after.readings] == [True, True, True]
    assert after.lines()[:2] == ["PASS: the root user has MFA (iam_root_mfa_enabled).", "All three sources agree."]


def test_clock_check_against_the_account(at04):
    check = clock.check_clock(session(at04, "aml-packt"))
    assert check.ok and "within" in check.sentence()
    skewed = clock.check_clock(session(at04, "aml-packt"), clock=lambda: time.time() + 120)
    assert not skewed.ok and "ahead of" in skewed.sentence()
