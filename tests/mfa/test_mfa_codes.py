"""Notebook 04's pure MFA pieces: typed codes, why a pair was refused, the clock offset, the policies."""

from __future__ import annotations

import json

import pyotp
import pytest

from helpers.errors import WalkthroughError
from helpers.mfa import clock, codes, policies

SEED = pyotp.random_base32()
NOW = 1_800_000_015.0  # a fixed clock: 15 s into a 30-second step
STEP = int(NOW // 30)
TOTP = pyotp.TOTP(SEED)


def at(step: int) -> str:
    return TOTP.at(step * 30)


def test_clean_code_strips_spaces_and_says_so():
    assert codes.clean_code("123 456") == ("123456", True)
    assert codes.clean_code(" 123456\n") == ("123456", True)
    assert codes.clean_code("123456") == ("123456", False)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("12345", "has 5 digits"),
        ("1234567", "has 7 digits"),
        ("12a456", "letters or symbols"),
        ("12-456", "letters or symbols"),
        ("١٢٣٤٥٦", "letters or symbols"),  # Arabic-Indic digits are not what AWS accepts
        ("", "is empty"),
        (None, "is empty"),
    ],
)
def test_clean_code_refuses_bad_shapes_with_a_sentence(typed, words):
    with pytest.raises(WalkthroughError) as err:
        codes.clean_code(typed, "first code")
    assert words in str(err.value)
    assert str(err.value).startswith("The first code")


def test_clean_pair_refuses_the_same_code_twice_and_notes_spaces():
    with pytest.raises(WalkthroughError, match="same code twice"):
        codes.clean_pair("123456", "123 456")
    first, second, notes = codes.clean_pair("123 456", "654321")
    assert (first, second) == ("123456", "654321")
    assert notes and "spaces" in notes[0]
    assert codes.clean_pair("123456", "654321")[2] == []


def test_refusal_reason_tells_codes_far_apart():
    reason = codes.refusal_reason(SEED, at(STEP - 3), at(STEP), now=NOW)
    assert "3 codes apart" in reason


def test_refusal_reason_tells_wrong_order():
    assert "wrong order" in codes.refusal_reason(SEED, at(STEP), at(STEP - 1), now=NOW)


def test_refusal_reason_tells_codes_from_another_device():
    other = pyotp.TOTP(pyotp.random_base32())
    reason = codes.refusal_reason(SEED, other.at(NOW), other.at(NOW + 30), now=NOW)
    assert reason.startswith("Neither code comes from this device")
    assert "second code" in codes.refusal_reason(SEED, at(STEP), other.at(NOW + 30), now=NOW)


def test_refusal_reason_tells_old_codes_and_reused_ones():
    assert "too old" in codes.refusal_reason(SEED, at(STEP - 10), at(STEP - 9), now=NOW)
    assert "works only once" in codes.refusal_reason(SEED, at(STEP - 1), at(STEP), now=NOW)


def test_refusal_reason_never_contains_the_seed():
    for pair in [(at(STEP), at(STEP + 3)), ("000000", "111111"), (at(STEP - 1), at(STEP))]:
        assert SEED not in codes.refusal_reason(SEED, *pair, now=NOW)


def test_clock_offset_from_a_date_header():
    server = "Sun, 29 Nov 2026 13:17:10 GMT"
    in_step = clock.offset_from_date(server, 1_795_958_230.2, 1_795_958_230.8)
    assert in_step.ok and in_step.offset_seconds == 0.0
    ahead = clock.offset_from_date(server, 1_795_958_230.0 + 45, 1_795_958_230.0 + 45.2)
    assert not ahead.ok and "ahead of" in ahead.sentence() and "NTP" in ahead.sentence()
    behind = clock.offset_from_date(server, 1_795_958_230.0 - 60, 1_795_958_230.0 - 59.8)
    assert not behind.ok and "behind" in behind.sentence()


def test_self_service_policy_is_scoped_to_the_callers_own_user():
    doc = policies.self_service_mfa_policy()
    json.dumps(doc)  # a valid policy document is plain JSON
    own = [s for s in doc["Statement"] if "iam:EnableMFADevice" in s["Action"]][0]
    assert own["Resource"] == "arn:aws:iam::*:user/${aws:username}"
    assert all(s["Effect"] == "Allow" for s in doc["Statement"])  # no Deny that would block S3 for key users
    strict = policies.self_service_mfa_policy(deactivate_needs_mfa=True)
    deactivate = [s for s in strict["Statement"] if s["Action"] == ["iam:DeactivateMFADevice"]][0]
    assert deactivate["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def test_self_service_policy_follows_aws_example_with_named_differences():
    """AWS's "manage their own MFA device on the Security credentials page" example, minus its Deny (named)."""
    doc = policies.self_service_mfa_policy()
    sids = [s["Sid"] for s in doc["Statement"]]
    assert sids[:3] == ["AllowViewAccountInfo", "AllowManageOwnVirtualMFADevice", "AllowManageOwnUserMFA"]
    assert "DenyAllExceptListedIfNoMFA" not in sids and len(policies.DIFFERENCES) == 3
    strict = policies.self_service_mfa_policy(True)["Statement"][-1]
    assert strict["Action"] == ["iam:DeactivateMFADevice"]
    assert strict["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    assert "Condition" not in doc["Statement"][-1]  # AWS's own MFA-session rule covers deactivation


def test_require_mfa_policy_denies_when_mfa_is_absent():
    statement = policies.require_mfa_policy(("s3:DeleteBucket",))["Statement"][0]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}


def test_clock_check_without_a_profile_is_a_sentence(monkeypatch):
    from helpers import account, mfa
    from helpers.notice import Notice
    from helpers.sources import YourAwsFiles

    monkeypatch.setattr(account, "current_account", lambda: account.Account(YourAwsFiles(), None))
    note = mfa.clock_check()
    assert isinstance(note, Notice) and not note.ok
    assert str(note).startswith("The clock could not be compared: No profile is active yet.")
    assert "No profile is active yet." in note._repr_html_()


def test_a_clock_ten_minutes_slow_is_diagnosed_even_when_a_new_code_starts_meanwhile():
    seed = pyotp.random_base32()
    totp = pyotp.TOTP(seed)
    typed_at = 1_800_000_000.0
    old = (totp.at(typed_at - 600), totp.at(typed_at - 570))
    # The server answers, and the diagnosis runs, one code later than the learner's `now`.
    assert "too old" in codes.refusal_reason(seed, *old, now=typed_at + 30)
