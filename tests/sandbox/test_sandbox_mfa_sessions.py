"""MFA sessions in the practice account: GetSessionToken with a device code, and the MFA rule (option mfa_sessions)."""

from __future__ import annotations

import json
import time

import boto3
import pyotp
import pytest
from botocore.exceptions import ClientError

from helpers.errors import WalkthroughError
from helpers.mfa import devices
from helpers.mfa.policies import require_mfa_policy
from helpers.sandbox import clock, console, practice, scenarios, server
from tests.sandbox_support import NO_RETRY, client, code_of, module_sandbox, temporary_session
from tests.sandbox_support import session as aml_session

USER = scenarios.USER


sandbox = module_sandbox("sandbox-mfa-sessions")


@pytest.fixture()
def at_06(sandbox):
    """The account at the start of notebook 06, with the MFA rule on (its default)."""
    home, info = sandbox
    scenarios.reset(at="06", home=home)
    assert console.options(home=home)["mfa_sessions"] is True
    yield home, info


def serial_of(info) -> str:
    return f"arn:aws:iam::{info.account_id}:mfa/{scenarios.USER_DEVICE}"


def next_code(seed: str, home) -> str:
    """The device's next code, newer than any code used: the account's clock skips one 30 s step (no waiting)."""
    clock.advance(30, home=home)
    return pyotp.TOTP(seed).at(clock.SandboxClock(home, every=0)())


def mfa_session(home, info, profile="aml-packt", code=None, serial=None) -> boto3.Session:
    serial = serial or serial_of(info)
    seed = console.mfa_seed(serial, home=home)
    assert seed, "the sandbox knows the device's seed"
    creds = client(home, profile, "sts").get_session_token(
        SerialNumber=serial, TokenCode=code or next_code(seed, home)
    )["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"]
    return temporary_session(creds)


def test_rule_is_on_by_default_and_can_be_switched_off(sandbox):
    home, info = sandbox
    scenarios.reset(at="06", home=home)
    assert console.options(home=home)["mfa_sessions"] is True
    iam = client(home, "aml-packt")
    with pytest.raises(ClientError) as err:
        iam.deactivate_mfa_device(UserName=USER, SerialNumber=serial_of(info))
    assert code_of(err.value) == "AccessDenied"
    console.options(home=home, mfa_sessions=False)
    try:
        iam.deactivate_mfa_device(UserName=USER, SerialNumber=serial_of(info))
        assert iam.list_mfa_devices(UserName=USER)["MFADevices"] == []
    finally:
        console.options(home=home, mfa_sessions=True)


def test_plain_keys_cannot_deactivate_but_an_mfa_session_can(at_06):
    home, info = at_06
    iam = client(home, "aml-packt")
    with pytest.raises(ClientError) as err:
        iam.deactivate_mfa_device(UserName=USER, SerialNumber=serial_of(info))
    assert code_of(err.value) == "AccessDenied"
    message = err.value.response["Error"]["Message"]
    assert "explicit deny" in message and "aws:MultiFactorAuthPresent" in message
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName=USER)["MFADevices"]] == [serial_of(info)]

    session = mfa_session(home, info)
    sts = session.client("sts", endpoint_url=info.url, config=NO_RETRY)
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{info.account_id}:user/{USER}"
    own = session.client("iam", endpoint_url=info.url, config=NO_RETRY)
    own.deactivate_mfa_device(UserName=USER, SerialNumber=serial_of(info))
    assert iam.list_mfa_devices(UserName=USER)["MFADevices"] == []


def test_the_lessons_own_path_at_06_removes_the_device_through_an_mfa_session(at_06):
    """helpers.mfa.devices, as notebook 04's form calls it: plain keys are refused with the MFA-session
    sentence (not a missing policy); with ``devices.mfa_session`` and the device's next code it succeeds."""
    home, info = at_06
    s = aml_session(home, "aml-packt")
    serial = serial_of(info)
    assert devices.needs_mfa_session(devices.list_devices(s, USER), "DeactivateMFADevice")
    with pytest.raises(WalkthroughError) as err:
        devices.remove_device(s, USER, serial)
    assert str(err.value) == devices.NEEDS_MFA_SESSION
    assert [d.serial for d in devices.list_devices(s, USER)] == [serial]
    signed_in = devices.mfa_session(s, serial, next_code(console.mfa_seed(serial, home=home), home))
    assert devices.remove_device(s, USER, serial, signed_in=signed_in) == [
        f"Deactivated {scenarios.USER_DEVICE} for {USER}.",
        f"Deleted virtual device {scenarios.USER_DEVICE}.",
    ]
    assert devices.list_devices(s, USER) == []


def test_a_wrong_or_reused_code_gets_no_session(at_06):
    home, info = at_06
    seed = console.mfa_seed(serial_of(info), home=home)
    good = next_code(seed, home)
    wrong = f"{(int(good) + 1) % 1000000:06d}"
    sts = client(home, "aml-packt", "sts")
    with pytest.raises(ClientError) as err:
        sts.get_session_token(SerialNumber=serial_of(info), TokenCode=wrong)
    assert code_of(err.value) == "AccessDenied" and "MultiFactorAuthentication failed" in str(err.value)
    sts.get_session_token(SerialNumber=serial_of(info), TokenCode=good)
    with pytest.raises(ClientError) as err:
        sts.get_session_token(SerialNumber=serial_of(info), TokenCode=good)
    assert code_of(err.value) == "AccessDenied"
    # Someone else's device is not the caller's to sign in with.
    with pytest.raises(ClientError) as err:
        sts.get_session_token(
            SerialNumber=f"arn:aws:iam::{info.account_id}:mfa/root-account-mfa-device", TokenCode=good
        )
    assert code_of(err.value) == "AccessDenied"


def test_a_session_without_mfa_does_not_count(at_06):
    home, info = at_06
    creds = client(home, "aml-packt", "sts").get_session_token()["Credentials"]
    session = temporary_session(creds)
    iam = session.client("iam", endpoint_url=info.url, config=NO_RETRY)
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName=USER)["MFADevices"]] == [serial_of(info)]
    with pytest.raises(ClientError) as err:
        iam.deactivate_mfa_device(UserName=USER, SerialNumber=serial_of(info))
    assert code_of(err.value) == "AccessDenied"
    with pytest.raises(ClientError) as err:
        iam.create_user(UserName="not-allowed")  # the session has the user's permissions, no more
    assert code_of(err.value) == "AccessDenied"


def test_a_second_device_needs_an_mfa_session(at_06):
    home, info = at_06
    iam = client(home, "aml-packt")
    made = iam.create_virtual_mfa_device(VirtualMFADeviceName="AML-Packt-second")["VirtualMFADevice"]
    seed = made["Base32StringSeed"]
    seed = seed.decode() if isinstance(seed, bytes) else seed
    totp = pyotp.TOTP(seed)
    now = int(time.time() // 30)
    code1, code2 = totp.at((now - 1) * 30), totp.at(now * 30)
    with pytest.raises(ClientError) as err:
        iam.enable_mfa_device(
            UserName=USER, SerialNumber=made["SerialNumber"], AuthenticationCode1=code1, AuthenticationCode2=code2
        )
    assert code_of(err.value) == "AccessDenied"
    own = mfa_session(home, info).client("iam", endpoint_url=info.url, config=NO_RETRY)
    own.enable_mfa_device(
        UserName=USER, SerialNumber=made["SerialNumber"], AuthenticationCode1=code1, AuthenticationCode2=code2
    )
    assert len(iam.list_mfa_devices(UserName=USER)["MFADevices"]) == 2


def test_multi_factor_auth_present_conditions_are_evaluated(at_06):
    home, info = at_06
    with practice.owner_session(home=home) as owner:
        root_iam = owner.client("iam")
        root_iam.put_user_policy(
            UserName=USER, PolicyName="require-mfa", PolicyDocument=json.dumps(require_mfa_policy(("iam:List*",)))
        )
    with pytest.raises(ClientError) as err:
        client(home, "aml-packt").list_users()
    assert code_of(err.value) == "AccessDenied"
    own = mfa_session(home, info).client("iam", endpoint_url=info.url, config=NO_RETRY)
    assert USER in [u["UserName"] for u in own.list_users()["Users"]]


def test_sessions_and_the_switch_survive_a_stop(at_06):
    home, info = at_06
    session = mfa_session(home, info)
    server.stop(home)
    url = server.start(home).url
    assert console.options(home=home)["mfa_sessions"] is True
    sts = session.client("sts", endpoint_url=url, config=NO_RETRY)
    assert sts.get_caller_identity()["Arn"].endswith(f":user/{USER}")
