"""Checks that read the credential report row by row (group "keys", then the root user's recent use).

The four "keys" checks judge each user's console MFA and access keys; ``iam_avoid_root_usage``
(group "root") reads the root row's last-used dates, and comes last because the lesson meets it last:
the root user was used on purpose until notebook 03, and should rest from then on.
"""

from __future__ import annotations

from collections.abc import Callable

from helpers.status.checks.registry import NO_ROOT_ROW, Verdicts, check, days_since, flag, plural, user_label, when
from helpers.status.model import REPORT, ROOT, Snapshot

ROTATE_DAYS = 90
UNUSED_DAYS = 45
ROOT_USAGE_DAYS = 1
_NO_USERS: Verdicts = [("PASS", "The credential report lists no users.", "account")]


def _active_keys(row: dict[str, str]) -> list[int]:
    return [i for i in (1, 2) if flag(row.get(f"access_key_{i}_active"))]


def _each_active_key(snapshot: Snapshot, judge: Callable[[dict, int], str | None], passed: str) -> Verdicts:
    """Per user: a FAIL for each active key *judge* faults (it returns why), else one PASS saying *passed*."""
    found: Verdicts = []
    for row in snapshot.report_rows():
        name, who = row.get("user", ""), user_label(row.get("user", ""))
        active = _active_keys(row)
        if not active:
            found.append(("PASS", f"{who} does not have active access keys.", name))
            continue
        faults = [(i, why) for i in active if (why := judge(row, i)) is not None]
        found += [("FAIL", f"{who} {why}", f"{name}/AccessKey{i}") for i, why in faults]
        if not faults:
            found.append(("PASS", f"{who} {passed}", name))
    return found or _NO_USERS


@check(
    id="iam_user_mfa_enabled_console_access",
    title="Ensure MFA is enabled for all IAM users that have a console password",
    group="keys",
    severity="high",
    cis=(
        "1.9",
        "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password",
    ),
    risk="A user who can sign in to the console with only a password loses the account's data to anyone who "
    "phishes or guesses that password. MFA adds the device the thief does not have.",
    remediation=(
        "Console: IAM > Users > the user > Security credentials > Assign MFA device > Authenticator app; "
        "scan the QR code, type two consecutive codes.",
        "CLI: aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> --outfile qr.png "
        "--bootstrap-method QRCodePNG, then aws iam enable-mfa-device --user-name <user> --serial-number <arn> "
        "--authentication-code1 <code> --authentication-code2 <next code>.",
        "Or, if the user does not need the console: aws iam delete-login-profile --user-name <user>.",
    ),
    needs=(REPORT,),
)
def _user_mfa_console(snapshot: Snapshot) -> Verdicts:
    found: Verdicts = []
    for row in snapshot.report_rows():
        name = row.get("user", "")
        if name == ROOT:
            # The root row says not_supported whether or not the root user has a password (it always can sign
            # in): its MFA is iam_root_mfa_enabled's job, and "no console password" would be untrue.
            continue
        who = user_label(name)
        if flag(row.get("password_enabled")) is not True:
            found.append(("PASS", f"{who} does not have a console password.", name))
        elif flag(row.get("mfa_active")):
            found.append(("PASS", f"{who} has a console password and MFA enabled.", name))
        else:
            found.append(("FAIL", f"{who} has a console password but MFA disabled.", name))
    return found or [("PASS", "The credential report lists no IAM users.", "account")]


@check(
    id="iam_rotate_access_key_90_days",
    title="Ensure access keys are rotated every 90 days or less",
    group="keys",
    severity="medium",
    cis=("1.13", "Ensure access keys are rotated every 90 days or less"),
    risk="An access key works until it is deleted. The older it is, the more places it has been copied to, and "
    "the longer a leaked copy keeps working.",
    remediation=(
        "Create a second key: Console IAM > Users > the user > Security credentials > Create access key "
        "(CLI: aws iam create-access-key --user-name <user>).",
        "Put the new key wherever the old one was used (notebook 01 saves it into a profile) and check it works.",
        "Deactivate, then delete the old key: aws iam update-access-key --user-name <user> --access-key-id <old> "
        "--status Inactive; aws iam delete-access-key --user-name <user> --access-key-id <old>.",
    ),
    needs=(REPORT,),
)
def _rotate_keys(snapshot: Snapshot) -> Verdicts:
    def too_old(row: dict, i: int) -> str | None:
        rotated = when(row.get(f"access_key_{i}_last_rotated"))
        if rotated is None or days_since(rotated, snapshot) <= ROTATE_DAYS:
            return None
        return f"has not rotated access key {i} in over {ROTATE_DAYS} days ({days_since(rotated, snapshot)} days)."

    return _each_active_key(snapshot, too_old, f"does not have access keys older than {ROTATE_DAYS} days.")


@check(
    id="iam_user_accesskey_unused",
    title="Ensure access keys unused for 45 days or more are disabled",
    group="keys",
    severity="medium",
    cis=("1.11", "Ensure credentials unused for 45 days or more are disabled"),
    risk="A key nobody uses is a key nobody watches: if it leaks, its use stands out to no one. Keys that are "
    "not needed should not exist.",
    remediation=(
        "Console: IAM > Users > the user > Security credentials: check each key's Last used; deactivate, then "
        "delete the ones not needed.",
        "CLI: aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive, then "
        "aws iam delete-access-key --user-name <user> --access-key-id <id>.",
    ),
    needs=(REPORT,),
)
def _accesskey_unused(snapshot: Snapshot) -> Verdicts:
    def idle(row: dict, i: int) -> str | None:
        used = when(row.get(f"access_key_{i}_last_used_date"))
        created = when(row.get(f"access_key_{i}_last_rotated"))
        # A key never used counts from its creation, as CIS does (Prowler lets never-used keys pass).
        since = used if used is not None else created
        if since is None or days_since(since, snapshot) < UNUSED_DAYS:
            return None
        days = days_since(since, snapshot)
        detail = f"last used {days} days ago" if used is not None else f"never used, created {days} days ago"
        return f"has not used access key {i} in the last {UNUSED_DAYS} days ({detail})."

    return _each_active_key(snapshot, idle, f"does not have access keys unused for {UNUSED_DAYS} days.")


@check(
    id="iam_user_two_active_access_key",
    title="Ensure there is only one active access key for any single IAM user",
    group="keys",
    severity="medium",
    cis=("1.12", "Ensure there is only one active access key for any single IAM user"),
    risk="Two active keys double the secrets to guard. A second key is meant for the few minutes of a rotation, "
    "not to stay.",
    remediation=(
        "Console: IAM > Users > the user > Security credentials: find the key that is no longer used "
        "(Last used), deactivate it, then delete it.",
        "CLI: aws iam list-access-keys --user-name <user>; aws iam update-access-key --user-name <user> "
        "--access-key-id <id> --status Inactive; aws iam delete-access-key --user-name <user> --access-key-id <id>.",
    ),
    needs=(REPORT,),
)
def _two_active_keys(snapshot: Snapshot) -> Verdicts:
    found: Verdicts = []
    for row in snapshot.report_rows():
        name, who = row.get("user", ""), user_label(row.get("user", ""))
        if len(_active_keys(row)) == 2:
            found.append(("FAIL", f"{who} has 2 active access keys.", name))
        else:
            found.append(("PASS", f"{who} does not have 2 active access keys.", name))
    return found or _NO_USERS


@check(
    id="iam_avoid_root_usage",
    title="Avoid the use of the root user",
    group="root",
    severity="high",
    cis=("1.6", "Eliminate use of the 'root' user for administrative and daily tasks"),
    risk="Every use of the root user is a chance to leak its password or keys, and its actions cannot be "
    "limited. Day-to-day work belongs to IAM users or roles; the root user is kept for the few tasks only it "
    "can do. (During this lesson the root user was used on purpose; from now on it should rest.)",
    remediation=(
        "Sign in as an IAM user (AML@Packt in this lesson) for everyday work.",
        "Delete the root user's access keys (check iam_no_root_access_key) so nothing automated uses it.",
        "Check when it was last used: aws iam generate-credential-report, then aws iam get-credential-report "
        "(columns password_last_used and access_key_*_last_used_date of the root user's row, the first one).",
    ),
    needs=(REPORT,),
    resource=ROOT,
)
def _avoid_root_usage(snapshot: Snapshot) -> Verdicts:
    row = snapshot.root_row()
    if row is None:
        return [("UNKNOWN", NO_ROOT_ROW, ROOT)]
    used = [
        when(row.get(column))
        for column in ("password_last_used", "access_key_1_last_used_date", "access_key_2_last_used_date")
    ]
    used = [u for u in used if u is not None]
    if not used:
        return [("PASS", "The root user has no recorded use.", ROOT)]
    days = days_since(max(used), snapshot)
    if days <= ROOT_USAGE_DAYS:
        ago = "today" if days <= 0 else f"{plural(days, 'day')} ago"
        return [("FAIL", f"The root user was last used {ago}.", ROOT)]
    return [
        (
            "PASS",
            f"The root user was not used in the last {plural(ROOT_USAGE_DAYS, 'day')} "
            f"(last used {plural(days, 'day')} ago).",
            ROOT,
        )
    ]
