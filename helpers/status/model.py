"""The data the security status works on: one snapshot of an account, and what a check finds.

Kept apart from the gathering (``snapshot.py``) and the checks (``checks.py``) so tests can build a
snapshot by hand and run every check with no AWS at all. Used by notebook 05 and the card on top of
every notebook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Status = Literal["PASS", "FAIL", "UNKNOWN"]

# The parts a snapshot is gathered from, and the IAM permission each one needs (named in UNKNOWN
# verdicts so a learner or instructor knows exactly what to grant).
SUMMARY = "account_summary"
REPORT = "credential_report"
PASSWORD_POLICY = "password_policy"
AUTHORIZATION = "authorization_details"
PARTS: dict[str, str] = {
    SUMMARY: "iam:GetAccountSummary",
    REPORT: "iam:GenerateCredentialReport",
    PASSWORD_POLICY: "iam:GetAccountPasswordPolicy",
    AUTHORIZATION: "iam:GetAccountAuthorizationDetails",
}
PART_LABELS: dict[str, str] = {
    SUMMARY: "the account summary",
    REPORT: "the credential report",
    PASSWORD_POLICY: "the password policy",
    AUTHORIZATION: "the users' groups and policies",
}

ROOT = "<root_account>"


@dataclass(frozen=True)
class UserDetail:
    """One IAM user as GetAccountAuthorizationDetails describes it (no secrets in here)."""

    name: str
    arn: str = ""
    groups: tuple[str, ...] = ()
    attached_policies: tuple[str, ...] = ()
    inline_policies: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupDetail:
    """One IAM group: its name and the managed policies attached to it."""

    name: str
    attached_policies: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Everything the checks need, read once. A part that could not be read is in ``missing``.

    ``password_policy`` is None when the account has no password policy (and then
    ``PASSWORD_POLICY`` is *not* in ``missing``); ``credential_report`` holds the report's rows,
    each a dict of strings exactly as AWS writes them (``true``/``false``/``N/A``/``not_supported``).
    Plain rows, not a DataFrame: the card on every notebook reads them without importing pandas.
    """

    taken_at: datetime
    summary: dict[str, int] | None = None
    credential_report: tuple[dict[str, str], ...] | None = None
    report_generated: datetime | None = None
    password_policy: dict | None = None
    users: tuple[UserDetail, ...] | None = None
    groups: tuple[GroupDetail, ...] | None = None
    missing: dict[str, str] = field(default_factory=dict)
    api_calls: int = 0

    def has(self, part: str) -> bool:
        """True when *part* was read (it may still be empty, e.g. no password policy)."""
        return part not in self.missing

    def report_rows(self) -> tuple[dict[str, str], ...]:
        """The credential report as rows of strings (empty when it could not be read)."""
        return self.credential_report or ()

    def root_row(self) -> dict[str, str] | None:
        """The ``<root_account>`` row of the credential report, if there is one."""
        for row in self.report_rows():
            if row.get("user") == ROOT:
                return row
        return None

    @property
    def account_id(self) -> str | None:
        """The 12-digit account ID, read from an ARN in the snapshot (no extra API call)."""
        arns = [row.get("arn", "") for row in self.report_rows()]
        arns += [u.arn for u in self.users or ()]
        for arn in arns:
            found = re.match(r"arn:aws[\w-]*:iam::(\d{12}):", arn or "")
            if found:
                return found.group(1)
        return None


@dataclass(frozen=True)
class Finding:
    """One verdict of one check on one resource; ``message`` ends with a period and names the resource."""

    check_id: str
    status: Status
    message: str
    resource: str
    severity: str = ""

    def as_dict(self) -> dict[str, str]:
        """The finding as plain JSON-ready fields (what the terminal's --json prints)."""
        return {
            "check_id": self.check_id,
            "status": self.status,
            "severity": self.severity,
            "resource": self.resource,
            "message": self.message,
        }
