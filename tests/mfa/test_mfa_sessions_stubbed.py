"""MFA sessions as AWS requires them (GetSessionToken with a code from an existing device), real shapes via Stubber.

AWS (IAM User Guide, "Assign MFA devices in the AWS CLI or AWS API"): an IAM user adding another MFA device or
deactivating one from code must first call sts:GetSessionToken with SerialNumber and TokenCode. The stubs are
keyed on the signing key, so each test proves which credentials signed which call.
"""

from __future__ import annotations

import pytest

from helpers.errors import WalkthroughError
from helpers.mfa import devices
from tests.stubs_support import ACCOUNT, NOW, keyed_stubs, session_for

FIRST = f"arn:aws:iam::{ACCOUNT}:mfa/AML-Packt-phone"
SECOND = f"arn:aws:iam::{ACCOUNT}:mfa/AML-Packt-backup"
USER = "AML@Packt"
LONG_KEY = "AKIAUSERKEY000000001"
SESSION_KEY = "ASIASESSIONKEY000001"


@pytest.fixture
def stubs(monkeypatch):
    yield from keyed_stubs(monkeypatch)


def long_term():
    return session_for(LONG_KEY)


def session_token_answer():
    return {
        "Credentials": {
            "AccessKeyId": SESSION_KEY,
            "SecretAccessKey": "t" * 40,
            "SessionToken": "FwoGZXIvYXdzEXAMPLETOKEN",
            "Expiration": NOW,
        }
    }


def listed(stubs, *serials):
    stubs.stub(LONG_KEY, "iam").add_response(
        "list_mfa_devices",
        {
            "MFADevices": [{"UserName": USER, "SerialNumber": s, "EnableDate": NOW} for s in serials],
            "IsTruncated": False,
        },
        {"UserName": USER},
    )


def test_get_session_token_sends_serial_and_code_and_returns_an_in_memory_session(stubs, tmp_path):
    stubs.stub(LONG_KEY, "sts").add_response(
        "get_session_token",
        session_token_answer(),
        {"SerialNumber": FIRST, "TokenCode": "123456", "DurationSeconds": 900},
    )
    signed_in = devices.mfa_session(long_term(), FIRST, " 123 456 ")
    frozen = signed_in.get_credentials().get_frozen_credentials()
    assert frozen.access_key == SESSION_KEY and frozen.token == "FwoGZXIvYXdzEXAMPLETOKEN"
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere by the helper


def test_a_refused_code_says_so_without_blaming_a_policy(stubs):
    stubs.stub(LONG_KEY, "sts").add_client_error(
        "get_session_token",
        "AccessDenied",
        "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        http_status_code=403,
    )
    with pytest.raises(WalkthroughError, match="refused the code for device AML-Packt-phone") as err:
        devices.mfa_session(long_term(), FIRST, "654321")
    assert "policy" not in str(err.value) and "654321" not in str(err.value)


def test_deactivate_goes_through_the_mfa_session(stubs):
    stubs.stub(LONG_KEY, "sts").add_response("get_session_token", session_token_answer())
    signed_in = devices.mfa_session(long_term(), FIRST, "123456")
    listed(stubs, FIRST)
    # Signed with the session's key (ASIA...), not the long-term one: a stray call on LONG_KEY would fail.
    session_iam = stubs.stub(SESSION_KEY, "iam")
    session_iam.add_response("deactivate_mfa_device", {}, {"UserName": USER, "SerialNumber": FIRST})
    session_iam.add_response("delete_virtual_mfa_device", {}, {"SerialNumber": FIRST})
    done = devices.remove_device(long_term(), USER, FIRST, signed_in=signed_in)
    assert done == ["Deactivated AML-Packt-phone for AML@Packt.", "Deleted virtual device AML-Packt-phone."]
    assert stubs.tokens[SESSION_KEY] == "FwoGZXIvYXdzEXAMPLETOKEN"


def test_access_denied_without_a_session_is_explained_as_the_mfa_session_rule(stubs):
    listed(stubs, FIRST)
    stubs.stub(LONG_KEY, "iam").add_client_error(
        "deactivate_mfa_device",
        "AccessDenied",
        f"User: arn:aws:iam::{ACCOUNT}:user/{USER} is not authorized to perform: iam:DeactivateMFADevice",
        http_status_code=403,
    )
    with pytest.raises(WalkthroughError) as err:
        devices.remove_device(long_term(), USER, FIRST)
    assert str(err.value) == "AWS requires an MFA session for this: enter a code from your existing device."


def test_a_second_device_is_enabled_with_the_session_and_the_first_needs_none(stubs):
    new = devices.NewDevice(SECOND, b"", "JBSWY3DPEHPK3PXP")
    assert devices.needs_mfa_session([devices.UserDevice(FIRST, NOW)], "EnableMFADevice", SECOND)
    assert not devices.needs_mfa_session([], "EnableMFADevice", SECOND)
    assert devices.needs_mfa_session([devices.UserDevice(FIRST, NOW)], "DeactivateMFADevice")
    stubs.stub(LONG_KEY, "sts").add_response("get_session_token", session_token_answer())
    signed_in = devices.mfa_session(long_term(), FIRST, "123456")
    stubs.stub(SESSION_KEY, "iam").add_response(
        "enable_mfa_device",
        {},
        {"UserName": USER, "SerialNumber": SECOND, "AuthenticationCode1": "111111", "AuthenticationCode2": "222222"},
    )
    said = devices.enable_device(long_term(), USER, new, "111111", "222222", signed_in=signed_in)
    assert said[-1] == "MFA device AML-Packt-backup is enabled for AML@Packt."


def test_enabling_a_second_device_with_plain_keys_is_the_session_rule_the_first_a_policy(stubs):
    new = devices.NewDevice(SECOND, b"", "JBSWY3DPEHPK3PXP")
    denied = ("AccessDenied", "User: x is not authorized to perform: iam:EnableMFADevice")
    stubs.stub(LONG_KEY, "iam").add_client_error("enable_mfa_device", *denied, http_status_code=403)
    listed(stubs, FIRST)
    with pytest.raises(WalkthroughError, match="requires an MFA session"):
        devices.enable_device(long_term(), USER, new, "111111", "222222")
    stubs.stub(LONG_KEY, "iam").add_client_error("enable_mfa_device", *denied, http_status_code=403)
    listed(stubs)
    with pytest.raises(WalkthroughError, match="self-service"):
        devices.enable_device(long_term(), USER, new, "111111", "222222")
