"""The snapshot gatherer: moto in-process for real shapes, Stubber for what moto cannot do."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from moto import mock_aws

from helpers import aws
from helpers.errors import WalkthroughError
from helpers.status.checks import checklist, run_checks
from helpers.status.model import AUTHORIZATION, PASSWORD_POLICY, REPORT, SUMMARY
from helpers.status.snapshot import take_snapshot

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
S3_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,"
    "access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)
ROOT_ROW = (
    "<root_account>,arn:aws:iam::123456789012:root,2026-01-01T00:00:00+00:00,{password},"
    "2026-11-29T10:00:00+00:00,not_supported,not_supported,{mfa},true,2026-11-20T00:00:00+00:00,"
    "2026-11-29T09:00:00+00:00,us-east-1,iam,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
)


@pytest.fixture
def fake_aws(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def moto_session(fake_aws):
    with mock_aws():
        yield boto3.Session(region_name="us-east-1")


def no_wait(_seconds: float) -> None:
    pass


def add_users(session, count: int, *, group: bool = False, attach: bool = False) -> None:
    iam = session.client("iam")
    if group:
        iam.create_group(GroupName="aml-packt-users")
    for i in range(count):
        name = f"user{i:04d}"
        iam.create_user(UserName=name)
        iam.create_access_key(UserName=name)
        if group:
            iam.add_user_to_group(GroupName="aml-packt-users", UserName=name)
        if attach:
            iam.put_user_policy(UserName=name, PolicyName="direct", PolicyDocument=S3_POLICY)


def count_calls(session) -> list[str]:
    """Record every API call clients of *session* make (a botocore before-call hook)."""
    seen: list[str] = []
    session.events.register("before-call.*.*", lambda model, **_: seen.append(model.name))
    return seen


# --- moto: real response shapes -------------------------------------------------------------------


def test_snapshot_of_a_moto_account_reads_every_part(moto_session):
    iam = moto_session.client("iam")
    add_users(moto_session, 2, group=True)
    iam.put_user_policy(UserName="user0001", PolicyName="direct", PolicyDocument=S3_POLICY)
    iam.update_account_password_policy(MinimumPasswordLength=14, PasswordReusePrevention=24)
    snap = take_snapshot(moto_session, wait=no_wait, clock=lambda: NOW)
    assert snap.missing == {}
    assert snap.summary["Users"] == 2 and snap.summary["Groups"] == 1
    assert [row["user"] for row in snap.credential_report] == ["user0000", "user0001"]
    assert snap.password_policy["MinimumPasswordLength"] == 14
    assert [u.name for u in snap.users] == ["user0000", "user0001"]
    assert snap.users[1].inline_policies == ("direct",) and snap.users[0].groups == ("aml-packt-users",)
    assert snap.account_id == "123456789012" and snap.taken_at == NOW
    found = {(f.check_id, f.resource): f.status for f in run_checks(snap)}
    assert found[("iam_policy_attached_only_to_group_or_roles", "user0001/direct")] == "FAIL"
    assert found[("iam_password_policy_minimum_length_14", "password_policy")] == "PASS"
    assert found[("iam_password_policy_lowercase", "password_policy")] == "FAIL"


def test_no_password_policy_is_a_fact_not_a_gap(moto_session):
    snap = take_snapshot(moto_session, wait=no_wait)
    assert snap.password_policy is None and snap.has(PASSWORD_POLICY)
    assert [r.status for r in checklist(snap)][4] == "FAIL"


@pytest.mark.parametrize("users", [0, 1, 50])
def test_the_number_of_calls_does_not_grow_with_the_account(moto_session, users):
    add_users(moto_session, users, group=True, attach=True)
    calls = count_calls(moto_session)
    snap = take_snapshot(moto_session, wait=no_wait)
    assert len(snap.credential_report) == users
    # Summary, generate (STARTED), generate (COMPLETE), get report, password policy, authorization details.
    assert calls == [
        "GetAccountSummary",
        "GenerateCredentialReport",
        "GenerateCredentialReport",
        "GetCredentialReport",
        "GetAccountPasswordPolicy",
        "GetAccountAuthorizationDetails",
    ]
    assert snap.api_calls == 6


def test_a_second_snapshot_reuses_the_ready_report(moto_session):
    take_snapshot(moto_session, wait=no_wait)
    calls = count_calls(moto_session)
    take_snapshot(moto_session, wait=no_wait)
    assert len(calls) == 5 and "ListUsers" not in calls


# --- Stubber: what moto cannot produce ------------------------------------------------------------


@pytest.fixture
def stubbed(fake_aws):
    client = aws.client(boto3.Session(region_name="us-east-1"), "iam")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def summary_response(**values):
    base = {"Users": 1, "Groups": 1, "Roles": 0, "Policies": 0, "Providers": 0}
    base.update(values)
    return {"SummaryMap": base}


def report_response(csv: str):
    return {"Content": csv.encode(), "ReportFormat": "text/csv", "GeneratedTime": datetime(2026, 11, 29, 11, 30)}


def details_response():
    return {
        "UserDetailList": [
            {
                "UserName": "AML@Packt",
                "Arn": "arn:aws:iam::123456789012:user/AML@Packt",
                "GroupList": ["aml-packt-users"],
                "AttachedManagedPolicies": [],
                "UserPolicyList": [],
            }
        ],
        "GroupDetailList": [
            {
                "GroupName": "aml-packt-users",
                "AttachedManagedPolicies": [
                    {"PolicyName": "IAMReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}
                ],
                "GroupPolicyList": [],
            }
        ],
        "IsTruncated": False,
    }


def stub_rest(stub):
    stub.add_client_error("get_account_password_policy", "NoSuchEntity", http_status_code=404)
    stub.add_response(
        "get_account_authorization_details", details_response(), {"Filter": ["User", "Group"], "MaxItems": 1000}
    )


@pytest.mark.parametrize("password", ["true", "false", "not_supported"])
def test_root_row_values_and_report_in_progress_then_complete(stubbed, password):
    client, stub = stubbed
    waits: list[float] = []
    progress: list[str] = []
    stub.add_response("get_account_summary", summary_response(AccountMFAEnabled=1, AccountAccessKeysPresent=1))
    stub.add_response("generate_credential_report", {"State": "STARTED"})
    stub.add_response("generate_credential_report", {"State": "INPROGRESS"})
    stub.add_response("generate_credential_report", {"State": "COMPLETE"})
    stub.add_client_error("get_credential_report", "ReportInProgress", http_status_code=404)
    stub.add_response("generate_credential_report", {"State": "COMPLETE"})
    stub.add_response(
        "get_credential_report", report_response(HEADER + "\n" + ROOT_ROW.format(password=password, mfa="true") + "\n")
    )
    stub_rest(stub)
    snap = take_snapshot(iam=client, wait=waits.append, clock=lambda: NOW, progress=progress.append)
    assert waits == [0.1, 0.2, 0.4] and len(progress) == 3
    assert snap.report_generated == datetime(2026, 11, 29, 11, 30, tzinfo=timezone.utc)
    root = snap.root_row()
    assert root["password_enabled"] == password and root["access_key_1_active"] == "true"
    found = {f.check_id: f for f in run_checks(snap)}
    assert found["iam_no_root_access_key"].message == "The root user has one active access key."
    assert found["iam_root_mfa_enabled"].status == "PASS"
    # Root used 2 hours before the snapshot: the report's last-used columns reach this check.
    assert found["iam_avoid_root_usage"].status == "FAIL"
    # Whatever the root row's password_enabled says (true/false/not_supported), the per-user console check
    # gives the root user no verdict: "does not have a console password" would be untrue of a root user.
    (console,) = run_checks(snap, ["iam_user_mfa_enabled_console_access"])
    assert (console.status, console.message) == ("PASS", "The credential report lists no IAM users.")


def test_access_denied_on_generate_leaves_the_rest_running(stubbed):
    client, stub = stubbed
    stub.add_response("get_account_summary", summary_response(AccountMFAEnabled=1, AccountAccessKeysPresent=0))
    stub.add_client_error(
        "generate_credential_report",
        "AccessDenied",
        "User: arn:aws:iam::123456789012:user/AML@Packt is not authorized to perform: iam:GenerateCredentialReport",
        http_status_code=403,
    )
    stub_rest(stub)
    snap = take_snapshot(iam=client, wait=no_wait)
    assert snap.missing == {REPORT: "the caller lacks the permission iam:GenerateCredentialReport"}
    found = {f.check_id: f for f in run_checks(snap)}
    assert found["iam_rotate_access_key_90_days"].status == "UNKNOWN"
    assert "iam:GenerateCredentialReport" in found["iam_rotate_access_key_90_days"].message
    assert found["iam_no_root_access_key"].status == "PASS"
    assert found["iam_root_mfa_enabled"].status == "PASS"
    assert [r.status for r in checklist(snap)][:4] == ["PASS", "PASS", "PASS", "PASS"]


def test_access_denied_on_get_report_names_that_permission(stubbed):
    client, stub = stubbed
    stub.add_response("get_account_summary", summary_response())
    stub.add_response("generate_credential_report", {"State": "COMPLETE"})
    stub.add_client_error("get_credential_report", "AccessDenied", http_status_code=403)
    stub_rest(stub)
    snap = take_snapshot(iam=client, wait=no_wait)
    assert snap.missing[REPORT] == "the caller lacks the permission iam:GetCredentialReport"


def test_expired_or_missing_report_is_generated_again_once(stubbed):
    client, stub = stubbed
    stub.add_response("get_account_summary", summary_response())
    stub.add_response("generate_credential_report", {"State": "COMPLETE"})
    stub.add_client_error("get_credential_report", "ReportExpired", http_status_code=410)
    stub.add_response("generate_credential_report", {"State": "COMPLETE"})
    stub.add_client_error("get_credential_report", "ReportNotPresent", http_status_code=410)
    stub_rest(stub)
    snap = take_snapshot(iam=client, wait=no_wait)
    assert REPORT in snap.missing and "ReportNotPresent" in snap.missing[REPORT]


def test_a_stuck_report_gives_up_after_the_bounded_wait(stubbed):
    client, stub = stubbed
    stub.add_response("get_account_summary", summary_response())
    for _ in range(6):  # asked at 0 s, then after pauses of 0.1, 0.2, 0.4, 0.8 and 0.5 s
        stub.add_response("generate_credential_report", {"State": "INPROGRESS"})
    stub_rest(stub)
    waits: list[float] = []
    snap = take_snapshot(iam=client, wait=waits.append, max_wait=2.0)
    assert waits == pytest.approx([0.1, 0.2, 0.4, 0.8, 0.5])
    assert snap.missing[REPORT].startswith("AWS was still generating the credential report after 2 seconds")
    unknown = next(f for f in run_checks(snap) if f.check_id == "iam_user_two_active_access_key")
    assert unknown.status == "UNKNOWN" and "run the cell again" in unknown.message


def test_throttling_after_retries_is_a_clear_gap(stubbed):
    client, stub = stubbed
    stub.add_response("get_account_summary", summary_response())
    stub.add_response("generate_credential_report", {"State": "COMPLETE"})
    stub.add_response("get_credential_report", report_response(HEADER + "\n"))
    stub.add_response("get_account_password_policy", {"PasswordPolicy": {"MinimumPasswordLength": 14}})
    stub.add_client_error("get_account_authorization_details", "Throttling", "Rate exceeded", http_status_code=400)
    snap = take_snapshot(iam=client, wait=no_wait)
    assert snap.missing == {
        AUTHORIZATION: "AWS throttled the request even after retries; wait a minute and run the cell again"
    }
    assert snap.credential_report == () and snap.password_policy == {"MinimumPasswordLength": 14}


THROTTLED_BODY = (
    b"<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"
)


def test_standard_retries_absorb_a_passing_throttle(moto_session):
    """Two throttled answers, then moto's: botocore's standard retries hide them (no sleep test)."""
    client = aws.client(moto_session, "iam")
    throttled = {"left": 2}

    def throttle_once(**kwargs):
        if throttled["left"]:
            throttled["left"] -= 1
            return AWSResponse("https://iam.amazonaws.com/", 400, {}, _Raw(THROTTLED_BODY))
        return None

    client.meta.events.register_first("before-send.iam.GetAccountSummary", throttle_once)
    snap = take_snapshot(iam=client, wait=no_wait)
    assert snap.has(SUMMARY) and throttled["left"] == 0


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_):
        yield self._body


def test_bad_keys_stop_with_one_sentence(stubbed):
    client, stub = stubbed
    stub.add_client_error("get_account_summary", "InvalidClientTokenId", "The security token is invalid", 403)
    with pytest.raises(WalkthroughError, match="does not know this access key ID"):
        take_snapshot(iam=client, wait=no_wait)
    stub.assert_no_pending_responses()


def test_no_session_is_a_clear_error():
    with pytest.raises(WalkthroughError, match="No AWS session"):
        take_snapshot()


def test_member_account_without_root_credentials_reads_account_password_present(stubbed):
    """Real AWS shape of a member account whose root credentials were removed (sts:AssumeRoot): no password."""
    client, stub = stubbed
    stub.add_response(
        "get_account_summary",
        summary_response(AccountMFAEnabled=0, AccountAccessKeysPresent=0, AccountPasswordPresent=0),
    )
    stub.add_response("generate_credential_report", {"State": "COMPLETE"})
    stub.add_response(
        "get_credential_report",
        report_response(HEADER + "\n" + ROOT_ROW.format(password="not_supported", mfa="false") + "\n"),
    )
    stub_rest(stub)
    snap = take_snapshot(iam=client, wait=lambda s: None, clock=lambda: NOW)
    assert snap.summary["AccountPasswordPresent"] == 0
    (mfa,) = run_checks(snap, ["iam_root_mfa_enabled"])
    assert mfa.status == "PASS" and "no password and no access keys" in mfa.message
    assert mfa.message.endswith("nothing to protect with MFA.")
