"""Read an account's security status in a constant number of API calls, whatever its size.

Four account-wide reads, never one call per user (notebook 05, and the card on every notebook):

1. ``GetAccountSummary``: the asset counts and the *live* root flags (``AccountAccessKeysPresent``,
   ``AccountMFAEnabled``);
2. the credential report, through ``helpers.credential_report`` (generate, wait within one bounded
   policy, get), its CSV read into rows of strings (no pandas: the card on every notebook reads it).
   AWS reuses a report for up to 4 hours, so the snapshot says when it was generated;
3. ``GetAccountPasswordPolicy`` (``NoSuchEntity`` means the account has none);
4. ``GetAccountAuthorizationDetails`` filtered to users and groups (paginated): who is in which group
   and which policies sit directly on a user.

A part refused by AWS (AccessDenied, or throttling that outlasted botocore's retries) is recorded in
``Snapshot.missing``; the checks that need it say UNKNOWN and why, the others still run. Problems that
stop every call (bad keys, no network) raise ``WalkthroughError`` with one sentence.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone

import boto3
from botocore.exceptions import ClientError

from helpers import aws
from helpers.credential_report import WAIT_SECONDS, CredentialReportTimeout, read_credential_report
from helpers.errors import WalkthroughError, error_code, explain
from helpers.reads import read_or_why
from helpers.status.checks import missing_permission_reason
from helpers.status.model import (
    AUTHORIZATION,
    PARTS,
    PASSWORD_POLICY,
    REPORT,
    SUMMARY,
    GroupDetail,
    Snapshot,
    UserDetail,
)

DEFAULT_MAX_WAIT = WAIT_SECONDS  # seconds to wait for the credential report (why: helpers.credential_report)

_THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"}


class _Counter:
    """Counts the API calls one snapshot makes (a botocore ``before-call`` hook)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, **_: object) -> None:
        self.calls += 1


def take_snapshot(
    session: boto3.Session | None = None,
    *,
    iam=None,
    clock: Callable[[], datetime] | None = None,
    wait: Callable[[float], None] = time.sleep,
    max_wait: float = DEFAULT_MAX_WAIT,
    progress: Callable[[str], None] | None = None,
) -> Snapshot:
    """Read the account's security status in a constant number of calls (notebook 05, every card).

    Pass a boto3 *session* (or an IAM client as *iam*, as tests with Stubber do). *clock* gives
    "now" for age checks, *wait* sleeps between credential-report polls (at most *max_wait*
    seconds in total), *progress* receives a sentence while waiting.
    """
    if iam is None:
        if session is None:
            raise WalkthroughError("No AWS session was given: pass account.session() to take_snapshot.")
        iam = aws.client(session, "iam")
    counter = _Counter()
    iam.meta.events.register("before-call.iam", counter)
    try:
        now = (clock or _utcnow)()
        missing: dict[str, str] = {}
        summary = _part(SUMMARY, missing, lambda: iam.get_account_summary()["SummaryMap"])
        report = _part(REPORT, missing, lambda: _credential_report(iam, wait, max_wait, progress))
        policy = _part(PASSWORD_POLICY, missing, lambda: _password_policy(iam))
        details = _part(AUTHORIZATION, missing, lambda: _authorization_details(iam))
    finally:
        iam.meta.events.unregister("before-call.iam", counter)
    rows, generated = report if report is not None else (None, None)
    users, groups = details if details is not None else (None, None)
    return Snapshot(
        taken_at=now,
        summary=summary,
        credential_report=rows,
        report_generated=generated,
        password_policy=policy,
        users=users,
        groups=groups,
        missing=missing,
        api_calls=counter.calls,
    )


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _part(name: str, missing: dict[str, str], read: Callable[[], object]):
    """Run one read; record why it failed in *missing* unless nothing else could work either (``read_or_why``)."""
    try:
        value, why = read_or_why(read, lambda exc: _denied_reason(name, exc), why_other=_other_reason)
    except CredentialReportTimeout as exc:
        value, why = None, str(exc).rstrip(".")
    if why:
        missing[name] = why
    return value


def _other_reason(exc: ClientError) -> str:
    if error_code(exc) in _THROTTLED:
        return "AWS throttled the request even after retries; wait a minute and run the cell again"
    return explain(exc).rstrip(".")


def _denied_reason(part: str, exc: ClientError) -> str:
    operation = exc.operation_name if hasattr(exc, "operation_name") else ""
    if part == REPORT and operation == "GetCredentialReport":
        return "the caller lacks the permission iam:GetCredentialReport"
    return missing_permission_reason(part) if part in PARTS else "access was denied"


def _credential_report(iam, wait, max_wait: float, progress) -> tuple[tuple[dict[str, str], ...], datetime | None]:
    """The credential report as rows of strings, and when AWS generated it."""
    report = read_credential_report(iam, max_wait=max_wait, sleep=wait, progress=progress)
    return report.rows(), report.generated


def _password_policy(iam) -> dict | None:
    try:
        return iam.get_account_password_policy()["PasswordPolicy"]
    except ClientError as exc:
        if error_code(exc) == "NoSuchEntity":
            return None
        raise


def _authorization_details(iam) -> tuple[tuple[UserDetail, ...], tuple[GroupDetail, ...]]:
    users: list[UserDetail] = []
    groups: list[GroupDetail] = []
    pages = iam.get_paginator("get_account_authorization_details").paginate(
        Filter=["User", "Group"], PaginationConfig={"PageSize": 1000}
    )
    for page in pages:
        for user in page.get("UserDetailList", []):
            users.append(
                UserDetail(
                    name=user["UserName"],
                    arn=user.get("Arn", ""),
                    groups=tuple(user.get("GroupList", [])),
                    attached_policies=tuple(p["PolicyName"] for p in user.get("AttachedManagedPolicies", [])),
                    inline_policies=tuple(p["PolicyName"] for p in user.get("UserPolicyList", [])),
                )
            )
        for group in page.get("GroupDetailList", []):
            attached = [p["PolicyName"] for p in group.get("AttachedManagedPolicies", [])]
            attached += [p["PolicyName"] for p in group.get("GroupPolicyList", [])]
            groups.append(GroupDetail(name=group["GroupName"], attached_policies=tuple(attached)))
    return tuple(users), tuple(groups)
