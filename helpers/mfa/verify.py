"""Prove from the API that the root user has MFA: three sources, each quoted (notebook 04).

Enabling root MFA happens in the web console; checking it does not. An IAM user with read
rights (AML@Packt has ``IAMReadOnlyAccess``) asks:

1. ``GetAccountSummary`` -> ``AccountMFAEnabled``: live, and it counts every kind of device
   (authenticator app, passkey, security key), so it decides the verdict;
2. the credential report's ``<root_account>`` row -> ``mfa_active``: AWS reuses a report for up to
   4 hours, so the reading says when the report was generated;
3. ``ListVirtualMFADevices`` -> a virtual device whose user is the root's ARN: shows which device,
   but passkeys and security keys are not virtual devices and never appear there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from helpers import aws
from helpers.credential_report import WAIT_SECONDS, CredentialReportTimeout, read_credential_report
from helpers.errors import WalkthroughError, explain
from helpers.identity import Identity, who_am_i
from helpers.names import GROUP_NAME
from helpers.reads import read_or_why

SUMMARY = "GetAccountSummary"
REPORT = "credential report"
VIRTUAL = "ListVirtualMFADevices"
REPORT_MAX_AGE_HOURS = 4
DEFAULT_MAX_WAIT = WAIT_SECONDS  # seconds to wait for a credential report (why: helpers.credential_report)


@dataclass(frozen=True)
class Reading:
    """What one source said: True/False, or None when it could not be read (detail says why)."""

    source: str
    field: str
    enabled: bool | None
    detail: str

    @property
    def said(self) -> str:
        """The answer in words for the table."""
        return {True: "MFA on", False: "no MFA", None: "could not read"}[self.enabled]


@dataclass(frozen=True)
class RootMfaCheck:
    """The three readings, who asked, and when; ``lines()`` says what they mean together."""

    caller: Identity
    readings: tuple[Reading, ...]
    report_generated: datetime | None
    checked_at: datetime
    # AccountPasswordPresent = 0 and no root keys: a member account whose root credentials were removed centrally.
    root_credentials_removed: bool = False

    def reading(self, source: str) -> Reading | None:
        """The reading of *source* (SUMMARY, REPORT or VIRTUAL)."""
        return next((r for r in self.readings if r.source == source), None)

    @property
    def enabled(self) -> bool | None:
        """The verdict: the live summary decides; without it, any source that saw MFA; else the report."""
        summary = self.reading(SUMMARY)
        if summary is not None and summary.enabled is not None:
            return summary.enabled
        known = [r.enabled for r in self.readings if r.enabled is not None]
        if any(known):
            return True
        report = self.reading(REPORT)
        return report.enabled if report is not None else None

    @property
    def passed(self) -> bool | None:
        """The check's verdict: MFA on, or (CIS v5.0 1.4) a root user with neither password nor access keys."""
        return True if self.root_credentials_removed else self.enabled

    @property
    def agree(self) -> bool:
        """True when every source that answered said the same thing."""
        return len({r.enabled for r in self.readings if r.enabled is not None}) <= 1

    def lines(self) -> list[str]:
        """The verdict, then one sentence per disagreement or gap."""
        out = []
        if self.root_credentials_removed and self.enabled is not True:
            return [
                "PASS: the root user has no password and no access keys (root credentials removed centrally in an "
                "AWS Organization): nothing to protect with MFA (iam_root_mfa_enabled, CIS v5.0 1.4)."
            ]
        if self.enabled is True:
            out.append("PASS: the root user has MFA (iam_root_mfa_enabled).")
        elif self.enabled is False:
            out.append("FAIL: the root user has no MFA yet (iam_root_mfa_enabled).")
        else:
            out.append("UNKNOWN: no source could be read, so root MFA cannot be confirmed.")
        summary, report, virtual = self.reading(SUMMARY), self.reading(REPORT), self.reading(VIRTUAL)
        if self.agree and all(r.enabled is not None for r in self.readings):
            out.append("All three sources agree.")
        if summary and report and summary.enabled is not None and report.enabled is not None:
            if summary.enabled != report.enabled:
                out.append(
                    f"The credential report disagrees because it is older than the change: it was generated "
                    f"{_when(self.report_generated, self.checked_at)} and AWS reuses a report for up to "
                    f"{REPORT_MAX_AGE_HOURS} hours. {SUMMARY} is live, so trust it; the report catches up later."
                )
        if virtual and virtual.enabled is False and self.enabled:
            out.append(
                "No virtual device is assigned to the root user: its MFA is a passkey or security key, which "
                f"{VIRTUAL} does not list. That is fine."
            )
        if virtual and virtual.enabled is True and summary and summary.enabled is False:
            out.append(
                "A virtual device is assigned to the root user but the summary says no MFA: AWS may still be "
                "applying the change. Check again in a minute."
            )
        return out


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "at an unknown time"
    minutes = max(0, int((now - moment).total_seconds() // 60))
    ago = f"{minutes} minute(s) ago" if minutes < 120 else f"{minutes // 60} hour(s) ago"
    return f"at {moment:%Y-%m-%d %H:%M} UTC ({ago})"


def _denied(caller: Identity, action: str) -> Callable[[ClientError], str]:
    """Why *caller* could not read: the permission it lacks (the refused call's, else *action*)."""

    def why(exc: ClientError) -> str:
        refused = getattr(exc, "operation_name", "") or action
        return (
            f"{caller.name} lacks the permission iam:{refused}: ask whoever manages IAM in this account (the "
            "root user, or an administrator) to grant it, for example with the AWS managed policy "
            f"IAMReadOnlyAccess on the group {GROUP_NAME}."
        )

    return why


def _summary(iam, caller: Identity) -> tuple[Reading, bool]:
    """The AccountMFAEnabled reading, and whether the root has neither password nor keys (CIS v5.0 1.4)."""
    field = "AccountMFAEnabled"
    summary, why = read_or_why(lambda: iam.get_account_summary()["SummaryMap"], _denied(caller, SUMMARY))
    if why is not None:
        return Reading(SUMMARY, field, None, why), False
    removed = summary.get("AccountPasswordPresent", 1) == 0 and not summary.get("AccountAccessKeysPresent", 0)
    value = summary.get(field)
    if value is None:
        return Reading(SUMMARY, field, None, "The summary has no AccountMFAEnabled entry."), removed
    enabled = int(value) == 1
    reading = Reading(SUMMARY, field, enabled, f"AccountMFAEnabled = {int(value)} (live; counts every kind of device).")
    return reading, removed


def _report(iam, caller: Identity, max_wait: float, wait) -> tuple[Reading, datetime | None]:
    field = "mfa_active of <root_account>"
    try:
        report, why = read_or_why(
            lambda: read_credential_report(iam, max_wait=max_wait, sleep=wait),
            _denied(caller, "GenerateCredentialReport"),
        )
    except CredentialReportTimeout as exc:  # AWS was still generating it
        return Reading(REPORT, field, None, str(exc)), None
    if why is not None:
        return Reading(REPORT, field, None, why), None
    generated = report.generated
    root = next((row for row in report.rows() if row.get("user") == "<root_account>"), None)
    if root is None or "mfa_active" not in root:
        return Reading(REPORT, field, None, "The report has no <root_account> row."), generated
    enabled = root["mfa_active"].strip().lower() == "true"
    stamp = f"{generated:%Y-%m-%d %H:%M} UTC" if generated else "an unknown time"
    return (
        Reading(
            REPORT,
            field,
            enabled,
            f"mfa_active = {root['mfa_active']} in the report generated at {stamp} "
            f"(AWS reuses a report for up to {REPORT_MAX_AGE_HOURS} hours).",
        ),
        generated,
    )


def _virtual(iam, caller: Identity) -> Reading:
    field = "a device assigned to the root ARN"
    root_arn = f"arn:{caller.partition}:iam::{caller.account_id}:root"
    pages = iam.get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus="Assigned")
    devices, why = read_or_why(
        lambda: [d for page in pages for d in page.get("VirtualMFADevices", [])], _denied(caller, VIRTUAL)
    )
    if why is not None:
        return Reading(VIRTUAL, field, None, why)
    mine = [d for d in devices if (d.get("User") or {}).get("Arn") == root_arn]
    if mine:
        serial = mine[0].get("SerialNumber", "?")
        return Reading(VIRTUAL, field, True, f"Virtual device {serial} is assigned to {root_arn}.")
    return Reading(VIRTUAL, field, False, f"No virtual MFA device is assigned to {root_arn}.")


def check_root_mfa(
    session: boto3.Session,
    max_wait: float = DEFAULT_MAX_WAIT,
    wait: Callable[[float], None] = time.sleep,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> RootMfaCheck:
    """Ask the three sources whether the root user has MFA, as the caller of *session* (notebook 04)."""
    try:
        caller = who_am_i(session)
    except (ClientError, BotoCoreError) as exc:
        raise WalkthroughError(explain(exc)) from None
    iam = aws.client(session, "iam")
    summary, removed = _summary(iam, caller)
    report, generated = _report(iam, caller, max_wait, wait)
    virtual = _virtual(iam, caller)
    return RootMfaCheck(caller, (summary, report, virtual), generated, now(), root_credentials_removed=removed)
