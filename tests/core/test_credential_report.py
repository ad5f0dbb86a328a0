"""The one credential-report reader (helpers/credential_report.py), with Stubber: no AWS, no real wait."""

from __future__ import annotations

from datetime import datetime, timezone

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from helpers.credential_report import (
    WAIT_SECONDS,
    CredentialReport,
    CredentialReportTimeout,
    read_credential_report,
)
from helpers.errors import WalkthroughError

CSV = b"user,arn\n<root_account>,arn:aws:iam::123456789012:root\n"
GENERATED = datetime(2026, 11, 29, 11, 30)  # naive, as some SDK answers are: read as UTC


@pytest.fixture
def stubbed(monkeypatch):
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    ).client("iam")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def generated(stub: Stubber, *states: str) -> None:
    for state in states:
        stub.add_response("generate_credential_report", {"State": state})


def report(stub: Stubber) -> None:
    stub.add_response("get_credential_report", {"Content": CSV, "ReportFormat": "text/csv", "GeneratedTime": GENERATED})


class FakeClock:
    """A monotonic clock that each call to the API also moves on (2 s), as a slow network would."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        self.now += 2.0
        return self.now


def test_polls_with_growing_pauses_until_complete_and_says_so(stubbed):
    client, stub = stubbed
    generated(stub, "STARTED", "INPROGRESS", "INPROGRESS", "COMPLETE")
    report(stub)
    pauses, said = [], []
    got = read_credential_report(client, sleep=pauses.append, progress=said.append)
    assert got.content == CSV and got.generated == GENERATED.replace(tzinfo=timezone.utc)
    assert pauses == [0.1, 0.2, 0.4] and len(said) == 3
    assert said[0] == "Waiting for AWS to generate the credential report (0 s so far)..."


@pytest.mark.parametrize(
    ("code", "status", "pauses"),
    [
        ("ReportInProgress", 404, [0.1]),  # still being made: wait, then ask again
        ("ReportExpired", 410, []),  # lost: generate again at once (once)
    ],
)
def test_a_report_not_ready_on_get_is_asked_for_again(stubbed, code, status, pauses):
    client, stub = stubbed
    generated(stub, "COMPLETE")
    stub.add_client_error("get_credential_report", code, http_status_code=status)
    generated(stub, "COMPLETE")
    report(stub)
    slept: list[float] = []
    assert read_credential_report(client, sleep=slept.append).content == CSV
    assert slept == pauses


def test_lost_twice_or_denied_reaches_the_caller(stubbed):
    client, stub = stubbed
    generated(stub, "COMPLETE")
    stub.add_client_error("get_credential_report", "ReportNotPresent", http_status_code=410)
    generated(stub, "COMPLETE")
    stub.add_client_error("get_credential_report", "ReportNotPresent", http_status_code=410)
    with pytest.raises(ClientError, match="ReportNotPresent"):
        read_credential_report(client, sleep=lambda _s: None)
    stub.add_client_error("generate_credential_report", "AccessDenied", http_status_code=403)
    with pytest.raises(ClientError, match="AccessDenied"):
        read_credential_report(client, sleep=lambda _s: None)


def test_a_stuck_report_stops_with_one_sentence_within_the_bound(stubbed):
    client, stub = stubbed
    generated(stub, *["INPROGRESS"] * 8)  # asked at 0 s, then after 0.1, 0.2, ... 3.2 s and the rest (3.7 s)
    pauses: list[float] = []
    with pytest.raises(CredentialReportTimeout) as caught:
        read_credential_report(client, max_wait=10, sleep=pauses.append)
    assert pauses == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 3.7])
    assert isinstance(caught.value, WalkthroughError)
    assert str(caught.value) == (
        "AWS was still generating the credential report after 10 seconds; run the cell again in a minute."
    )


def test_pauses_grow_to_five_seconds_and_the_default_bound_is_a_minute(stubbed):
    client, stub = stubbed
    generated(stub, *["INPROGRESS"] * 18)  # 0.1 s doubling to 3.2 s (6.3 s), ten of 5 s, the rest (3.7 s)
    pauses: list[float] = []
    with pytest.raises(CredentialReportTimeout, match="after 60 seconds"):
        read_credential_report(client, sleep=pauses.append)
    assert WAIT_SECONDS == 60 and sum(pauses) == pytest.approx(60)
    assert max(pauses) == 5.0 and pauses[:7] == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5.0])


def test_a_clock_counts_the_time_spent_in_calls_too(stubbed):
    client, stub = stubbed
    clock = FakeClock()
    generated(stub, *["INPROGRESS"] * 3)
    with pytest.raises(CredentialReportTimeout, match="after 5 seconds"):
        read_credential_report(client, max_wait=5, sleep=clock.sleep, clock=clock)
    # Each look at the clock adds 2 s: 2 s waited, pause 0.1; 4.1 s, pause 0.2; 6.3 s: stop.
    assert clock.pauses == pytest.approx([0.1, 0.2])


def test_the_rows_are_strings_as_aws_writes_them():
    content = (
        b"\xef\xbb\xbfuser,arn,mfa_active,password_last_used\n"
        b"<root_account>,arn:aws:iam::123456789012:root,true,N/A\n"
        b'"AML@Packt",arn:aws:iam::123456789012:user/AML@Packt,false\n'
    )
    root, member = CredentialReport(content, None).rows()
    assert root == {
        "user": "<root_account>",
        "arn": "arn:aws:iam::123456789012:root",
        "mfa_active": "true",
        "password_last_used": "N/A",
    }
    assert member["user"] == "AML@Packt" and member["password_last_used"] == ""  # a short line reads ""
    assert CredentialReport(b"", None).rows() == () and CredentialReport(b"user,arn\n", None).rows() == ()
