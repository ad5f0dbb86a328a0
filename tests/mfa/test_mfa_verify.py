"""Root MFA from three sources (GetAccountSummary, credential report, ListVirtualMFADevices), with Stubber.

States a fresh sandbox cannot show (a stale report, a root with a security key, a caller without
iam:GetAccountSummary) are answered by botocore's Stubber; no request leaves the process.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.stub import Stubber

from helpers.errors import WalkthroughError
from helpers.identity import IAM_USER, Identity
from helpers.mfa import verify
from tests.stubs_support import fake_credentials_env

ACCOUNT = "123456789012"
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"
CALLER = Identity(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/AML@Packt", IAM_USER, "AML@Packt")
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
HEADER = "user,arn,user_creation_time,password_enabled,mfa_active\n"


@pytest.fixture
def iam(monkeypatch):
    fake_credentials_env(monkeypatch)
    client = boto3.session.Session(region_name="us-east-1").client("iam")
    stubber = Stubber(client)
    monkeypatch.setattr(verify.aws, "client", lambda _session, service: client)
    monkeypatch.setattr(verify, "who_am_i", lambda _session: CALLER)
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


def summary(stubber: Stubber, enabled: int) -> None:
    stubber.add_response("get_account_summary", {"SummaryMap": {"AccountMFAEnabled": enabled, "Users": 1}})


def report(stubber: Stubber, mfa_active: str, generated: datetime = NOW, states=("COMPLETE",)) -> None:
    for state in states:
        stubber.add_response("generate_credential_report", {"State": state})
    row = f"<root_account>,{ROOT_ARN},2026-01-01T00:00:00+00:00,not_supported,{mfa_active}\n"
    stubber.add_response(
        "get_credential_report",
        {"Content": (HEADER + row).encode(), "ReportFormat": "text/csv", "GeneratedTime": generated},
    )


def virtual(stubber: Stubber, assigned_to_root: bool) -> None:
    devices = []
    if assigned_to_root:
        devices.append(
            {
                "SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device",
                "User": {
                    "Path": "/",
                    "UserName": "root",
                    "UserId": ACCOUNT + "ROOT",  # Stubber wants 16+ characters
                    "Arn": ROOT_ARN,
                    "CreateDate": NOW,
                },
            }
        )
    stubber.add_response(
        "list_virtual_mfa_devices",
        {"VirtualMFADevices": devices, "IsTruncated": False},
        {"AssignmentStatus": "Assigned"},
    )


def run(waits: list[float] | None = None) -> verify.RootMfaCheck:
    sink = waits if waits is not None else []
    return verify.check_root_mfa(object(), max_wait=10, wait=sink.append, now=lambda: NOW + timedelta(minutes=5))


def all_three(iam: Stubber, on: bool) -> verify.RootMfaCheck:
    """The check when the summary, the report and the device list all say MFA is *on* (or all say off)."""
    summary(iam, int(on))
    report(iam, str(on).lower())
    virtual(iam, on)
    return run()


def test_all_three_say_mfa_on(iam):
    check = all_three(iam, True)
    assert check.enabled is True and check.agree
    assert [r.enabled for r in check.readings] == [True, True, True]
    lines = check.lines()
    assert lines[0].startswith("PASS") and "All three sources agree." in lines
    assert "root-account-mfa-device" in check.reading(verify.VIRTUAL).detail
    assert "2026-11-29 12:00 UTC" in check.reading(verify.REPORT).detail
    assert "4 hours" in check.reading(verify.REPORT).detail


def test_all_three_say_no_mfa(iam):
    check = all_three(iam, False)
    assert check.enabled is False and check.agree
    assert check.lines()[0].startswith("FAIL")


def test_a_member_account_without_root_password_passes_and_says_why(iam):
    """Real shape: root credentials removed centrally (sts:AssumeRoot), AccountPasswordPresent = 0 (CIS v5.0 1.4)."""
    iam.add_response(
        "get_account_summary",
        {"SummaryMap": {"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 0, "AccountPasswordPresent": 0}},
    )
    report(iam, "false")
    virtual(iam, False)
    check = run()
    assert check.enabled is False and check.root_credentials_removed and check.passed is True
    assert check.lines() == [
        "PASS: the root user has no password and no access keys (root credentials removed centrally in an AWS "
        "Organization): nothing to protect with MFA (iam_root_mfa_enabled, CIS v5.0 1.4)."
    ]


def test_a_stale_report_disagrees_and_the_live_summary_wins(iam):
    summary(iam, 1)
    report(iam, "false", generated=NOW - timedelta(hours=2))
    virtual(iam, True)
    check = run()
    assert check.enabled is True and not check.agree
    text = " ".join(check.lines())
    assert "older than the change" in text and "2026-11-29 10:00 UTC" in text
    assert "2 hour(s) ago" in text


def test_a_security_key_is_not_a_virtual_device(iam):
    summary(iam, 1)
    report(iam, "true")
    virtual(iam, False)
    check = run()
    assert check.enabled is True and not check.agree
    assert any("passkey or security key" in line for line in check.lines())


def test_missing_get_account_summary_permission_is_named(iam):
    iam.add_client_error(
        "get_account_summary",
        "AccessDenied",
        "User: arn:aws:iam::123456789012:user/AML@Packt is not authorized to perform: iam:GetAccountSummary",
        403,
    )
    report(iam, "true")
    virtual(iam, True)
    check = run()
    reading = check.reading(verify.SUMMARY)
    assert reading.enabled is None and reading.said == "could not read"
    assert "AML@Packt lacks the permission iam:GetAccountSummary" in reading.detail
    assert check.enabled is True  # the other two still saw MFA


def test_the_report_is_polled_within_a_bounded_wait(iam):
    summary(iam, 0)
    report(iam, "false", states=("STARTED", "INPROGRESS", "COMPLETE"))
    virtual(iam, False)
    waits: list[float] = []
    check = run(waits)
    assert check.reading(verify.REPORT).enabled is False
    assert waits == [0.1, 0.2]


def test_a_report_that_never_completes_is_reported_not_waited_for(iam):
    summary(iam, 1)
    for _ in range(8):  # asked at 0 s, then after 0.1, 0.2, 0.4, 0.8, 1.6, 3.2 and 3.7 s
        iam.add_response("generate_credential_report", {"State": "INPROGRESS"})
    virtual(iam, True)
    waits: list[float] = []
    check = run(waits)
    assert sum(waits) == pytest.approx(10)
    reading = check.reading(verify.REPORT)
    assert reading.enabled is None and "after 10 seconds" in reading.detail
    assert check.enabled is True


def test_bad_keys_stop_with_one_sentence(iam):
    iam.add_client_error("get_account_summary", "InvalidClientTokenId", "The security token is invalid.", 403)
    with pytest.raises(WalkthroughError, match="does not know this access key ID"):
        run()
