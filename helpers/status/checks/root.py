"""Checks of the root user's keys and MFA (group "root"; the first two lines of the card).

Both read the live account summary and fall back to the credential report's root row. The third
root check, ``iam_avoid_root_usage``, lives in ``report.py``: it reads only the report, and the
lesson shows it last.
"""

from __future__ import annotations

from helpers.status.checks.registry import NO_ROOT_ROW, Verdicts, check, flag, unknown_message
from helpers.status.model import REPORT, ROOT, SUMMARY, Snapshot

_NUMBER = {0: "no", 1: "one", 2: "two"}

ROOT_CREDENTIALS_REMOVED = (
    "The root user has no password and no access keys (root credentials removed centrally in an AWS "
    "Organization): nothing to protect with MFA."
)


def _root_keys_from_report(snapshot: Snapshot) -> int | None:
    row = snapshot.root_row()
    if row is None:
        return None
    return sum(bool(flag(row.get(f"access_key_{i}_active"))) for i in (1, 2))


def unknown_message_safe(snapshot: Snapshot, parts: list[str]) -> str:
    """``unknown_message`` that also copes with a part read but empty (e.g. no root row in the report)."""
    known = [p for p in parts if p in snapshot.missing]
    if known:
        return unknown_message(snapshot, known, ROOT)
    return NO_ROOT_ROW


def _unknown(snapshot: Snapshot) -> Verdicts:
    gaps = [p for p in (SUMMARY, REPORT) if not snapshot.has(p)] or [SUMMARY]
    return [("UNKNOWN", unknown_message_safe(snapshot, gaps), ROOT)]


def root_credentials_removed(snapshot: Snapshot) -> bool:
    """True when the live summary says the root user has no password and no access keys (CIS v5.0 1.4).

    That is a member account of an AWS Organization whose root credentials were removed centrally
    (sts:AssumeRoot from the management account): its root MFA cannot be set and is not needed.
    ``AccountPasswordPresent`` missing (an old answer) counts as a password present.
    """
    summary = snapshot.summary if snapshot.has(SUMMARY) else None
    if not summary:
        return False
    return summary.get("AccountPasswordPresent", 1) == 0 and not summary.get("AccountAccessKeysPresent", 0)


@check(
    id="iam_no_root_access_key",
    title="Ensure no root user access key exists",
    group="root",
    severity="critical",
    cis=("1.3", "Ensure no 'root' user account access key exists"),
    checklist="Delete your root access keys",
    risk="The root user can do anything in the account, including closing it, and no policy can limit it. "
    "An access key of the root user is that power in two strings that can leak (a notebook, a repository, "
    "a laptop). Without root keys, nothing automated can ever act as root.",
    remediation=(
        "Sign in to the AWS console as the root user (email address and password).",
        "Open the account menu (top right) > Security credentials.",
        "Under Access keys, choose Actions > Delete for each key (deactivate it first if asked).",
        "CLI (only the root user can do it, with the key itself, as its last act): "
        "aws iam delete-access-key --access-key-id <the root key ID> --profile root-keys.",
        "Check: aws iam get-account-summary shows AccountAccessKeysPresent = 0.",
    ),
    needs=(SUMMARY, REPORT),
    resource=ROOT,
    either_part=True,
)
def _no_root_access_key(snapshot: Snapshot) -> Verdicts:
    from_report = _root_keys_from_report(snapshot) if snapshot.has(REPORT) else None
    if snapshot.has(SUMMARY) and snapshot.summary is not None:
        # The summary is live; the report can be hours old (it only tells us how many keys).
        if not snapshot.summary.get("AccountAccessKeysPresent", 0):
            return [("PASS", "The root user has no access keys.", ROOT)]
        count = _NUMBER.get(from_report or 0) if from_report else None
        what = f"{count} active access key{'s' if from_report == 2 else ''}" if count else "access keys"
        return [("FAIL", f"The root user has {what}.", ROOT)]
    if from_report is None:
        return _unknown(snapshot)
    if from_report == 0:
        return [("PASS", "The root user has no active access keys.", ROOT)]
    noun = "key" if from_report == 1 else "keys"
    return [("FAIL", f"The root user has {_NUMBER[from_report]} active access {noun}.", ROOT)]


@check(
    id="iam_root_mfa_enabled",
    title="Ensure MFA is enabled for the root user",
    group="root",
    severity="critical",
    cis=("1.4", "Ensure MFA is enabled for the 'root' user account"),
    checklist="Activate MFA on your root user",
    risk="With MFA, a stolen or guessed root password is not enough to sign in: the thief also needs the "
    "device that shows the rolling six-digit codes. The root user cannot be limited by policies, so this "
    "is its main protection.",
    remediation=(
        "Sign in to the AWS console as the root user.",
        "Open the account menu (top right) > Security credentials > Multi-factor authentication (MFA).",
        "Choose Assign MFA device, pick Authenticator app, scan the QR code and type two consecutive codes.",
        "The root user's MFA can be assigned only in the console; the CLI can verify it: "
        "aws iam get-account-summary shows AccountMFAEnabled = 1.",
        "In a member account of an AWS Organization whose root credentials were removed centrally, "
        "AccountPasswordPresent = 0 and there is nothing to do: the check passes (CIS v5.0 1.4).",
    ),
    needs=(SUMMARY, REPORT),
    resource=ROOT,
    either_part=True,
)
def _root_mfa_enabled(snapshot: Snapshot) -> Verdicts:
    if root_credentials_removed(snapshot) and not snapshot.summary.get("AccountMFAEnabled", 0):  # type: ignore[union-attr]
        return [("PASS", ROOT_CREDENTIALS_REMOVED, ROOT)]
    if snapshot.has(SUMMARY) and snapshot.summary is not None:
        enabled: bool | None = bool(snapshot.summary.get("AccountMFAEnabled", 0))
    else:
        row = snapshot.root_row() if snapshot.has(REPORT) else None
        enabled = flag(row.get("mfa_active")) if row else None
    if enabled is None:
        return _unknown(snapshot)
    if enabled:
        return [("PASS", "MFA is enabled for the root user.", ROOT)]
    return [("FAIL", "MFA is not enabled for the root user.", ROOT)]
