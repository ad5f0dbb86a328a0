"""The security checks: pure functions over one snapshot, each with a short record.

Check IDs, severities and verdicts follow Prowler's AWS IAM checks (the IDs are Prowler's, not CIS's),
so a later Prowler scan of the same account lines up with notebook 05. Each check's ``cis`` names the
CIS AWS Foundations Benchmark v5.0 recommendation it serves (number and title), or says that it goes
beyond current CIS (``beyond_cis``). A check never
calls AWS: it reads a ``Snapshot``. When the part it needs could not be read, it answers UNKNOWN
and says why (usually the missing permission), and the other checks still run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from helpers.status.model import (
    AUTHORIZATION,
    PART_LABELS,
    PARTS,
    PASSWORD_POLICY,
    REPORT,
    ROOT,
    SUMMARY,
    Finding,
    Snapshot,
    Status,
)

ROTATE_DAYS = 90
UNUSED_DAYS = 45
ROOT_USAGE_DAYS = 1
PASSWORD_MIN_LENGTH = 14
PASSWORD_REUSE = 24
PASSWORD_MAX_AGE = 90

POLICY_PAGE = "https://console.aws.amazon.com/iam/home#/account_settings"
CLI_POLICY = (
    "CLI: aws iam update-account-password-policy --minimum-password-length 14 "
    "--password-reuse-prevention 24 --require-uppercase-characters --require-lowercase-characters "
    "--require-numbers --require-symbols --allow-users-to-change-password (the call replaces the "
    "whole policy: give every setting you want to keep)."
)


@dataclass(frozen=True)
class Check:
    """A check's record (what a learner reads) and the function that judges a snapshot."""

    id: str
    title: str
    severity: str
    risk: str
    remediation: tuple[str, ...]
    needs: tuple[str, ...]
    run: Callable[[Snapshot], list[Finding]]
    resource: str = "account"
    # True when the check can decide from either of its parts (the root checks use the live summary
    # or, failing that, the report); it then reports UNKNOWN itself.
    either_part: bool = False

    @property
    def cis(self) -> str:
        """The CIS AWS Foundations Benchmark v5.0 recommendation this check serves, or "" (see ``beyond_cis``)."""
        found = CIS_V5.get(self.id)
        return f"CIS AWS Foundations Benchmark v5.0, {found[0]}: {found[1]}" if found else ""

    @property
    def beyond_cis(self) -> str:
        """Why a check with no current CIS recommendation is here (older CIS, the console's checklist), or ""."""
        return BEYOND_CIS.get(self.id, "")

    @property
    def reference(self) -> str:
        """One line crediting the check: Prowler's ID, then CIS v5.0 or what it goes beyond."""
        return f"Prowler check {self.id}; " + (self.cis or self.beyond_cis) + "."

    def numbered_remediation(self) -> str:
        """The remediation steps as "1. ... 2. ..." lines."""
        return "\n".join(f"{i}. {step}" for i, step in enumerate(self.remediation, 1))


CHECKS: dict[str, Check] = {}

# Prowler check ID -> (CIS AWS Foundations Benchmark v5.0 number, its title). Numbers move between versions
# (v1.4-v3.0 had root MFA at 1.5 and password length at 1.8), so they are cited with the version.
CIS_V5: dict[str, tuple[str, str]] = {
    "iam_no_root_access_key": ("1.3", "Ensure no 'root' user account access key exists"),
    "iam_root_mfa_enabled": ("1.4", "Ensure MFA is enabled for the 'root' user account"),
    "iam_root_hardware_mfa_enabled": ("1.5", "Ensure hardware MFA is enabled for the 'root' user account"),
    "iam_avoid_root_usage": ("1.6", "Eliminate use of the 'root' user for administrative and daily tasks"),
    "iam_password_policy_minimum_length_14": (
        "1.7",
        "Ensure IAM password policy requires minimum length of 14 or greater",
    ),
    "iam_password_policy_reuse_24": ("1.8", "Ensure IAM password policy prevents password reuse"),
    "iam_user_mfa_enabled_console_access": (
        "1.9",
        "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password",
    ),
    "iam_user_accesskey_unused": ("1.11", "Ensure credentials unused for 45 days or more are disabled"),
    "iam_user_two_active_access_key": ("1.12", "Ensure there is only one active access key for any single IAM user"),
    "iam_rotate_access_key_90_days": ("1.13", "Ensure access keys are rotated every 90 days or less"),
    "iam_policy_attached_only_to_group_or_roles": ("1.14", "Ensure IAM users receive permissions only through groups"),
}
_CIS_V12 = "beyond current CIS: CIS v1.2 asked for it, CIS v1.3 and later (v5.0 today) do not"
BEYOND_CIS: dict[str, str] = {
    "iam_individual_users_exist": "beyond current CIS: an item of the IAM console's classic security checklist",
    "iam_password_policy_lowercase": _CIS_V12,
    "iam_password_policy_uppercase": _CIS_V12,
    "iam_password_policy_number": _CIS_V12,
    "iam_password_policy_symbol": _CIS_V12,
    "iam_password_policy_expires_passwords_within_90_days_or_less": _CIS_V12
    + "; NIST SP 800-63B advises against forced expiry",
}


def _register(
    id: str,
    title: str,
    severity: str,
    risk: str,
    remediation: tuple[str, ...],
    needs: tuple[str, ...],
    resource: str = "account",
    either_part: bool = False,
) -> Callable[[Callable[[Snapshot], list[tuple[Status, str, str]]]], Callable]:
    """Decorator: record a check; its function returns (status, message, resource) triples."""

    def wrap(func: Callable[[Snapshot], list[tuple[Status, str, str]]]) -> Callable:
        def run(snapshot: Snapshot) -> list[Finding]:
            return [Finding(id, status, message, res, severity) for status, message, res in func(snapshot)]

        CHECKS[id] = Check(id, title, severity, risk, remediation, needs, run, resource, either_part)
        return func

    return wrap


def run_checks(snapshot: Snapshot, ids: list[str] | None = None) -> list[Finding]:
    """Every check (or those in *ids*) on *snapshot*; UNKNOWN where a needed part is missing (notebook 05)."""
    findings: list[Finding] = []
    for check in CHECKS.values():
        if ids is not None and check.id not in ids:
            continue
        findings.extend(_run_one(check, snapshot))
    return findings


def _run_one(check: Check, snapshot: Snapshot) -> list[Finding]:
    gaps = [part for part in check.needs if not snapshot.has(part)]
    if gaps and not check.either_part:
        message = unknown_message(snapshot, gaps, check.resource)
        return [Finding(check.id, "UNKNOWN", message, check.resource, check.severity)]
    return check.run(snapshot)


_SUBJECTS = {ROOT: "the root user", "password_policy": "the password policy"}


def unknown_message(snapshot: Snapshot, parts: list[str], resource: str = "account") -> str:
    """Why a check cannot decide on *resource*: which part could not be read, and why (e.g. a permission)."""
    reasons = [f"{PART_LABELS[p]} could not be read: {snapshot.missing[p].rstrip('.')}" for p in parts]
    subject = _SUBJECTS.get(resource, "the account")
    return f"Cannot tell for {subject}, because " + "; ".join(reasons) + "."


def missing_permission_reason(part: str) -> str:
    """The reason recorded when AWS refused *part* with AccessDenied."""
    return f"the caller lacks the permission {PARTS[part]}"


# --- small parsers for the credential report's values ------------------------------------------


def flag(value: object) -> bool | None:
    """A report flag: ``true`` -> True, ``false`` -> False, ``not_supported``/``N/A``/anything else -> None."""
    text = str(value).strip().lower()
    if text == "true":
        return True
    if text == "false":
        return False
    return None


def when(value: object) -> datetime | None:
    """A report timestamp (``2026-11-29T13:06:47+00:00``) or None for ``N/A``/``no_information``/``not_supported``."""
    text = str(value or "").strip()
    if not text or text[0] not in "0123456789":
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def days_since(then: datetime, snapshot: Snapshot) -> int:
    """Whole days from *then* to the moment the snapshot was taken."""
    return (snapshot.taken_at - then).days


def _user_label(name: str) -> str:
    return "The root user" if name == ROOT else f"User {name}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


_NUMBER = {0: "no", 1: "one", 2: "two"}
NO_ROOT_ROW = "Cannot tell for the root user, because the credential report has no row for it."


# --- the root user ------------------------------------------------------------------------------


def _root_keys_from_report(snapshot: Snapshot) -> int | None:
    row = snapshot.root_row()
    if row is None:
        return None
    return sum(bool(flag(row.get(f"access_key_{i}_active"))) for i in (1, 2))


@_register(
    "iam_no_root_access_key",
    "Ensure no root user access key exists",
    "critical",
    "The root user can do anything in the account, including closing it, and no policy can limit it. "
    "An access key of the root user is that power in two strings that can leak (a notebook, a repository, "
    "a laptop). Without root keys, nothing automated can ever act as root.",
    (
        "Sign in to the AWS console as the root user (email address and password).",
        "Open the account menu (top right) > Security credentials.",
        "Under Access keys, choose Actions > Delete for each key (deactivate it first if asked).",
        "CLI (only the root user can do it, with the key itself, as its last act): "
        "aws iam delete-access-key --access-key-id <the root key ID> --profile root-keys.",
        "Check: aws iam get-account-summary shows AccountAccessKeysPresent = 0.",
    ),
    (SUMMARY, REPORT),
    resource=ROOT,
    either_part=True,
)
def _no_root_access_key(snapshot: Snapshot) -> list[tuple[Status, str, str]]:
    from_report = _root_keys_from_report(snapshot) if snapshot.has(REPORT) else None
    if snapshot.has(SUMMARY) and snapshot.summary is not None:
        # The summary is live; the report can be hours old (it only tells us how many keys).
        if not snapshot.summary.get("AccountAccessKeysPresent", 0):
            return [("PASS", "The root user has no access keys.", ROOT)]
        count = _NUMBER.get(from_report or 0) if from_report else None
        what = f"{count} active access key{'s' if from_report == 2 else ''}" if count else "access keys"
        return [("FAIL", f"The root user has {what}.", ROOT)]
    if from_report is None:
        gaps = [p for p in (SUMMARY, REPORT) if not snapshot.has(p)] or [SUMMARY]
        return [("UNKNOWN", unknown_message_safe(snapshot, gaps), ROOT)]
    if from_report == 0:
        return [("PASS", "The root user has no active access keys.", ROOT)]
    noun = "key" if from_report == 1 else "keys"
    return [("FAIL", f"The root user has {_NUMBER[from_report]} active access {noun}.", ROOT)]


def unknown_message_safe(snapshot: Snapshot, parts: list[str]) -> str:
    """``unknown_message`` that also copes with a part read but empty (e.g. no root row in the report)."""
    known = [p for p in parts if p in snapshot.missing]
    if known:
        return unknown_message(snapshot, known, ROOT)
    return NO_ROOT_ROW


ROOT_CREDENTIALS_REMOVED = (
    "The root user has no password and no access keys (root credentials removed centrally in an AWS "
    "Organization): nothing to protect with MFA."
)


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


@_register(
    "iam_root_mfa_enabled",
    "Ensure MFA is enabled for the root user",
    "critical",
    "With MFA, a stolen or guessed root password is not enough to sign in: the thief also needs the "
    "device that shows the rolling six-digit codes. The root user cannot be limited by policies, so this "
    "is its main protection.",
    (
        "Sign in to the AWS console as the root user.",
        "Open the account menu (top right) > Security credentials > Multi-factor authentication (MFA).",
        "Choose Assign MFA device, pick Authenticator app, scan the QR code and type two consecutive codes.",
        "The root user's MFA can be assigned only in the console; the CLI can verify it: "
        "aws iam get-account-summary shows AccountMFAEnabled = 1.",
        "In a member account of an AWS Organization whose root credentials were removed centrally, "
        "AccountPasswordPresent = 0 and there is nothing to do: the check passes (CIS v5.0 1.4).",
    ),
    (SUMMARY, REPORT),
    resource=ROOT,
    either_part=True,
)
def _root_mfa_enabled(snapshot: Snapshot) -> list[tuple[Status, str, str]]:
    if root_credentials_removed(snapshot) and not snapshot.summary.get("AccountMFAEnabled", 0):  # type: ignore[union-attr]
        return [("PASS", ROOT_CREDENTIALS_REMOVED, ROOT)]
    if snapshot.has(SUMMARY) and snapshot.summary is not None:
        enabled: bool | None = bool(snapshot.summary.get("AccountMFAEnabled", 0))
    else:
        row = snapshot.root_row() if snapshot.has(REPORT) else None
        enabled = flag(row.get("mfa_active")) if row else None
    if enabled is None:
        gaps = [p for p in (SUMMARY, REPORT) if not snapshot.has(p)] or [SUMMARY]
        return [("UNKNOWN", unknown_message_safe(snapshot, gaps), ROOT)]
    if enabled:
        return [("PASS", "MFA is enabled for the root user.", ROOT)]
    return [("FAIL", "MFA is not enabled for the root user.", ROOT)]


@_register(
    "iam_avoid_root_usage",
    "Avoid the use of the root user",
    "high",
    "Every use of the root user is a chance to leak its password or keys, and its actions cannot be limited. "
    "Day-to-day work belongs to IAM users or roles; the root user is kept for the few tasks only it can do. "
    "(During this lesson the root user was used on purpose; from now on it should rest.)",
    (
        "Sign in as an IAM user (AML@Packt in this lesson) for everyday work.",
        "Delete the root user's access keys (check iam_no_root_access_key) so nothing automated uses it.",
        "Check when it was last used: aws iam generate-credential-report, then aws iam get-credential-report "
        "(columns password_last_used and access_key_*_last_used_date of the root user's row, the first one).",
    ),
    (REPORT,),
    resource=ROOT,
)
def _avoid_root_usage(snapshot: Snapshot) -> list[tuple[Status, str, str]]:
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
        ago = "today" if days <= 0 else f"{_plural(days, 'day')} ago"
        return [("FAIL", f"The root user was last used {ago}.", ROOT)]
    return [
        (
            "PASS",
            f"The root user was not used in the last {_plural(ROOT_USAGE_DAYS, 'day')} "
            f"(last used {_plural(days, 'day')} ago).",
            ROOT,
        )
    ]


# --- users and groups ---------------------------------------------------------------------------


@_register(
    "iam_individual_users_exist",
    "Create individual IAM users",
    "medium",
    "If everyone works as the root user, no action can be traced to a person, no one's rights can be "
    "limited, and one leaked password gives away the whole account. Each person (and each program) gets "
    "its own IAM user or role, with only the rights it needs.",
    (
        "Console: IAM > Users > Create user; name it (AML@Packt in this lesson) and add it to a group.",
        "CLI: aws iam create-user --user-name AML@Packt, then "
        "aws iam add-user-to-group --group-name aml-packt-users --user-name AML@Packt.",
        "Notebook 02 of this lesson does both, and saves the new user's keys as the aml-packt profile.",
    ),
    (SUMMARY, AUTHORIZATION),
    either_part=True,
)
def _individual_users_exist(snapshot: Snapshot) -> list[tuple[Status, str, str]]:
    if snapshot.has(SUMMARY) and snapshot.summary is not None:
        count = int(snapshot.summary.get("Users", 0))
    elif snapshot.has(AUTHORIZATION) and snapshot.users is not None:
        count = len(snapshot.users)
    else:
        return [("UNKNOWN", unknown_message(snapshot, [SUMMARY, AUTHORIZATION]), "account")]
    if count == 0:
        return [("FAIL", "The account has no IAM users: all work is done as the root user.", "account")]
    return [("PASS", f"The account has {_plural(count, 'IAM user')}.", "account")]


@_register(
    "iam_policy_attached_only_to_group_or_roles",
    "Ensure IAM policies are attached only to groups or roles",
    "low",
    "Rights given user by user drift apart and are hard to review; rights given to a group are the same for "
    "everyone in it, and a person's rights change by moving them between groups. Policies attached straight "
    "to a user are easy to forget when the person's job changes.",
    (
        "Console: IAM > User groups > Create group (aml-packt-users in this lesson) and attach the policies "
        "the user needs; add the user to the group.",
        "Then IAM > Users > the user > Permissions: remove each policy attached directly or inline.",
        "CLI: aws iam attach-group-policy --group-name aml-packt-users --policy-arn <arn>; "
        "aws iam add-user-to-group --group-name aml-packt-users --user-name <user>; "
        "aws iam detach-user-policy --user-name <user> --policy-arn <arn>; "
        "aws iam delete-user-policy --user-name <user> --policy-name <inline policy>.",
    ),
    (AUTHORIZATION,),
)
def _policy_attached_only_to_group_or_roles(snapshot: Snapshot) -> list[tuple[Status, str, str]]:
    users = snapshot.users or ()
    if not users:
        return [("PASS", "The account has no IAM users, so no user has a policy of its own.", "account")]
    found: list[tuple[Status, str, str]] = []
    for user in users:
        for policy in user.attached_policies:
            found.append(("FAIL", f"User {user.name} has the policy {policy} attached.", f"{user.name}/{policy}"))
        for policy in user.inline_policies:
            found.append(
                ("FAIL", f"User {user.name} has the inline policy {policy} attached.", f"{user.name}/{policy}")
            )
        if not user.attached_policies and not user.inline_policies:
            found.append(("PASS", f"User {user.name} has no inline or attached policies.", user.name))
    return found


# --- the password policy ------------------------------------------------------------------------

_POLICY_STEPS = (
    f"Console: IAM > Account settings ({POLICY_PAGE}) > Password policy > Edit.",
    "Choose Custom, then set: minimum length 14; require at least one uppercase letter, one lowercase letter, "
    "one number and one symbol; prevent reuse of the last 24 passwords; allow users to change their own password.",
    CLI_POLICY,
)


def _password_check(id: str, title: str, risk: str, judge: Callable[[dict], tuple[bool, str]]) -> None:
    def func(snapshot: Snapshot) -> list[tuple[Status, str, str]]:
        policy = snapshot.password_policy
        if policy is None:
            return [("FAIL", "The account has no IAM password policy.", "password_policy")]
        ok, message = judge(policy)
        return [("PASS" if ok else "FAIL", message, "password_policy")]

    _register(id, title, "medium", risk, _POLICY_STEPS, (PASSWORD_POLICY,), resource="password_policy")(func)


def _length(policy: dict) -> tuple[bool, str]:
    length = int(policy.get("MinimumPasswordLength") or 0)
    if length >= PASSWORD_MIN_LENGTH:
        return True, f"The IAM password policy requires at least {length} characters."
    return False, (f"The IAM password policy requires only {length} characters, fewer than {PASSWORD_MIN_LENGTH}.")


def _reuse(policy: dict) -> tuple[bool, str]:
    reuse = int(policy.get("PasswordReusePrevention") or 0)
    if reuse >= PASSWORD_REUSE:
        return True, f"The IAM password policy prevents reuse of the last {reuse} passwords."
    if not reuse:
        return False, "The IAM password policy does not prevent password reuse."
    return False, (
        f"The IAM password policy prevents reuse of only the last {reuse} passwords, fewer than {PASSWORD_REUSE}."
    )


def _requires(key: str, what: str) -> Callable[[dict], tuple[bool, str]]:
    def judge(policy: dict) -> tuple[bool, str]:
        if policy.get(key):
            return True, f"The IAM password policy requires at least one {what}."
        return False, f"The IAM password policy does not require at least one {what}."

    return judge


def _expiry(policy: dict) -> tuple[bool, str]:
    age = int(policy.get("MaxPasswordAge") or 0)
    if not policy.get("ExpirePasswords") or not age:
        return False, "The IAM password policy does not make passwords expire."
    if age <= PASSWORD_MAX_AGE:
        return True, f"The IAM password policy makes passwords expire after {age} days."
    return False, (f"The IAM password policy makes passwords expire after {age} days, more than {PASSWORD_MAX_AGE}.")


_CLASS_RISK = (
    "Each character class a password must contain multiplies the guesses an attacker needs. Without a policy, "
    "IAM accepts short one-class passwords for your users' console sign-in."
)
_password_check(
    "iam_password_policy_minimum_length_14",
    "Ensure the IAM password policy requires a minimum length of 14 or more",
    "Length is what makes a password hard to guess or crack; 14 characters is the CIS benchmark's minimum.",
    _length,
)
_password_check(
    "iam_password_policy_reuse_24",
    "Ensure the IAM password policy prevents password reuse (24)",
    "If users can go back to an old password, a password that leaked once keeps working. Remembering the last "
    "24 passwords stops that.",
    _reuse,
)
_password_check(
    "iam_password_policy_lowercase",
    "Ensure the IAM password policy requires at least one lowercase letter",
    _CLASS_RISK,
    _requires("RequireLowercaseCharacters", "lowercase letter"),
)
_password_check(
    "iam_password_policy_uppercase",
    "Ensure the IAM password policy requires at least one uppercase letter",
    _CLASS_RISK,
    _requires("RequireUppercaseCharacters", "uppercase letter"),
)
_password_check(
    "iam_password_policy_number",
    "Ensure the IAM password policy requires at least one number",
    _CLASS_RISK,
    _requires("RequireNumbers", "number"),
)
_password_check(
    "iam_password_policy_symbol",
    "Ensure the IAM password policy requires at least one symbol",
    _CLASS_RISK,
    _requires("RequireSymbols", "symbol"),
)
_password_check(
    "iam_password_policy_expires_passwords_within_90_days_or_less",
    "Ensure the IAM password policy expires passwords within 90 days or less",
    "A password that never expires works forever once it leaks. (Newer guidance, including NIST and recent CIS "
    "versions, prefers long passwords plus MFA to forced rotation: this lesson's policy leaves expiry off, so "
    "this check is expected to fail; it is shown because older benchmarks and many auditors still ask for it.)",
    _expiry,
)


# --- per-user credentials (from the credential report) -----------------------------------------


@_register(
    "iam_user_mfa_enabled_console_access",
    "Ensure MFA is enabled for all IAM users that have a console password",
    "high",
    "A user who can sign in to the console with only a password loses the account's data to anyone who "
    "phishes or guesses that password. MFA adds the device the thief does not have.",
    (
        "Console: IAM > Users > the user > Security credentials > Assign MFA device > Authenticator app; "
        "scan the QR code, type two consecutive codes.",
        "CLI: aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> --outfile qr.png "
        "--bootstrap-method QRCodePNG, then aws iam enable-mfa-device --user-name <user> --serial-number <arn> "
        "--authentication-code1 <code> --authentication-code2 <next code>.",
        "Or, if the user does not need the console: aws iam delete-login-profile --user-name <user>.",
    ),
    (REPORT,),
)
def _user_mfa_console(snapshot: Snapshot) -> list[tuple[Status, str, str]]:
    found: list[tuple[Status, str, str]] = []
    for row in snapshot.report_rows():
        name = row.get("user", "")
        if name == ROOT:
            # The root row says not_supported whether or not the root user has a password (it always can sign
            # in): its MFA is iam_root_mfa_enabled's job, and "no console password" would be untrue.
            continue
        who = _user_label(name)
        if flag(row.get("password_enabled")) is not True:
            found.append(("PASS", f"{who} does not have a console password.", name))
        elif flag(row.get("mfa_active")):
            found.append(("PASS", f"{who} has a console password and MFA enabled.", name))
        else:
            found.append(("FAIL", f"{who} has a console password but MFA disabled.", name))
    return found or [("PASS", "The credential report lists no IAM users.", "account")]


def _active_keys(row: dict[str, str]) -> list[int]:
    return [i for i in (1, 2) if flag(row.get(f"access_key_{i}_active"))]


@_register(
    "iam_rotate_access_key_90_days",
    "Ensure access keys are rotated every 90 days or less",
    "medium",
    "An access key works until it is deleted. The older it is, the more places it has been copied to, and the "
    "longer a leaked copy keeps working.",
    (
        "Create a second key: Console IAM > Users > the user > Security credentials > Create access key "
        "(CLI: aws iam create-access-key --user-name <user>).",
        "Put the new key wherever the old one was used (notebook 01 saves it into a profile) and check it works.",
        "Deactivate, then delete the old key: aws iam update-access-key --user-name <user> --access-key-id <old> "
        "--status Inactive; aws iam delete-access-key --user-name <user> --access-key-id <old>.",
    ),
    (REPORT,),
)
def _rotate_keys(snapshot: Snapshot) -> list[tuple[Status, str, str]]:
    found: list[tuple[Status, str, str]] = []
    for row in snapshot.report_rows():
        name, who = row.get("user", ""), _user_label(row.get("user", ""))
        active = _active_keys(row)
        if not active:
            found.append(("PASS", f"{who} does not have active access keys.", name))
            continue
        old = []
        for i in active:
            rotated = when(row.get(f"access_key_{i}_last_rotated"))
            if rotated is not None and days_since(rotated, snapshot) > ROTATE_DAYS:
                old.append(i)
                days = days_since(rotated, snapshot)
                found.append(
                    (
                        "FAIL",
                        f"{who} has not rotated access key {i} in over {ROTATE_DAYS} days ({days} days).",
                        f"{name}/AccessKey{i}",
                    )
                )
        if not old:
            found.append(("PASS", f"{who} does not have access keys older than {ROTATE_DAYS} days.", name))
    return found or [("PASS", "The credential report lists no users.", "account")]


@_register(
    "iam_user_accesskey_unused",
    "Ensure access keys unused for 45 days or more are disabled",
    "medium",
    "A key nobody uses is a key nobody watches: if it leaks, its use stands out to no one. Keys that are not "
    "needed should not exist.",
    (
        "Console: IAM > Users > the user > Security credentials: check each key's Last used; deactivate, then "
        "delete the ones not needed.",
        "CLI: aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive, then "
        "aws iam delete-access-key --user-name <user> --access-key-id <id>.",
    ),
    (REPORT,),
)
def _accesskey_unused(snapshot: Snapshot) -> list[tuple[Status, str, str]]:
    found: list[tuple[Status, str, str]] = []
    for row in snapshot.report_rows():
        name, who = row.get("user", ""), _user_label(row.get("user", ""))
        active = _active_keys(row)
        if not active:
            found.append(("PASS", f"{who} does not have active access keys.", name))
            continue
        stale = False
        for i in active:
            used = when(row.get(f"access_key_{i}_last_used_date"))
            created = when(row.get(f"access_key_{i}_last_rotated"))
            # A key never used counts from its creation, as CIS does (Prowler lets never-used keys pass).
            since, what = (used, "used") if used is not None else (created, "created")
            if since is None:
                continue
            days = days_since(since, snapshot)
            if days >= UNUSED_DAYS:
                stale = True
                detail = f"last used {days} days ago" if what == "used" else f"never used, created {days} days ago"
                found.append(
                    (
                        "FAIL",
                        f"{who} has not used access key {i} in the last {UNUSED_DAYS} days ({detail}).",
                        f"{name}/AccessKey{i}",
                    )
                )
        if not stale:
            found.append(("PASS", f"{who} does not have access keys unused for {UNUSED_DAYS} days.", name))
    return found or [("PASS", "The credential report lists no users.", "account")]


@_register(
    "iam_user_two_active_access_key",
    "Ensure there is only one active access key for any single IAM user",
    "medium",
    "Two active keys double the secrets to guard. A second key is meant for the few minutes of a rotation, "
    "not to stay.",
    (
        "Console: IAM > Users > the user > Security credentials: find the key that is no longer used "
        "(Last used), deactivate it, then delete it.",
        "CLI: aws iam list-access-keys --user-name <user>; aws iam update-access-key --user-name <user> "
        "--access-key-id <id> --status Inactive; aws iam delete-access-key --user-name <user> --access-key-id <id>.",
    ),
    (REPORT,),
)
def _two_active_keys(snapshot: Snapshot) -> list[tuple[Status, str, str]]:
    found: list[tuple[Status, str, str]] = []
    for row in snapshot.report_rows():
        name, who = row.get("user", ""), _user_label(row.get("user", ""))
        if len(_active_keys(row)) == 2:
            found.append(("FAIL", f"{who} has 2 active access keys.", name))
        else:
            found.append(("PASS", f"{who} does not have 2 active access keys.", name))
    return found or [("PASS", "The credential report lists no users.", "account")]


# Re-order so tables list the checks the way the lesson meets them.
_ORDER = [
    "iam_no_root_access_key",
    "iam_root_mfa_enabled",
    "iam_individual_users_exist",
    "iam_policy_attached_only_to_group_or_roles",
    "iam_password_policy_minimum_length_14",
    "iam_password_policy_reuse_24",
    "iam_password_policy_lowercase",
    "iam_password_policy_uppercase",
    "iam_password_policy_number",
    "iam_password_policy_symbol",
    "iam_password_policy_expires_passwords_within_90_days_or_less",
    "iam_user_mfa_enabled_console_access",
    "iam_rotate_access_key_90_days",
    "iam_user_accesskey_unused",
    "iam_user_two_active_access_key",
    "iam_avoid_root_usage",
]
CHECKS = {key: CHECKS[key] for key in _ORDER}


# --- the console's classic five-item checklist --------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    """One line of the IAM console's classic "Security status" list and the checks behind it."""

    title: str
    check_ids: tuple[str, ...]


@dataclass(frozen=True)
class ChecklistResult:
    """A checklist line's verdict and the sentence that explains it."""

    title: str
    status: Status
    message: str
    check_ids: tuple[str, ...]


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("Delete your root access keys", ("iam_no_root_access_key",)),
    ChecklistItem("Activate MFA on your root user", ("iam_root_mfa_enabled",)),
    ChecklistItem("Create individual IAM users", ("iam_individual_users_exist",)),
    ChecklistItem("Use groups to assign permissions", ("iam_policy_attached_only_to_group_or_roles",)),
    # Password expiry is left out on purpose: the lesson's policy (CIS v5.0 1.7/1.8) does not expire passwords.
    ChecklistItem(
        "Apply an IAM password policy",
        (
            "iam_password_policy_minimum_length_14",
            "iam_password_policy_reuse_24",
            "iam_password_policy_lowercase",
            "iam_password_policy_uppercase",
            "iam_password_policy_number",
            "iam_password_policy_symbol",
        ),
    ),
)


def checklist(snapshot: Snapshot, findings: list[Finding] | None = None) -> list[ChecklistResult]:
    """The five-item checklist for the card on top of every notebook (notebooks 00-06)."""
    findings = run_checks(snapshot) if findings is None else findings
    results = []
    for item in CHECKLIST:
        mine = [f for f in findings if f.check_id in item.check_ids]
        status, message = _combine(mine)
        if item.check_ids == ("iam_policy_attached_only_to_group_or_roles",) and status == "PASS":
            status, message = _groups_in_use(snapshot, message)
        results.append(ChecklistResult(item.title, status, message, item.check_ids))
    return results


def _combine(findings: list[Finding]) -> tuple[Status, str]:
    for status in ("FAIL", "UNKNOWN"):
        bad = list(dict.fromkeys(f.message for f in findings if f.status == status))
        if bad:
            extra = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            return status, bad[0][:-1] + extra + "."
    if not findings:
        return "UNKNOWN", "No check ran."
    if len(findings) == 1:
        return "PASS", findings[0].message
    return "PASS", f"All {len(findings)} of its checks pass."


def _groups_in_use(snapshot: Snapshot, message: str) -> tuple[Status, str]:
    # The console ticked this item only once groups carry the permissions: no user, or no group
    # with a member, means permissions are not assigned through groups yet.
    users = snapshot.users or ()
    if not users:
        return "FAIL", "No IAM user exists yet, so no group gives anyone permissions."
    members = {g for u in users for g in u.groups}
    with_policies = [g.name for g in snapshot.groups or () if g.name in members and g.attached_policies]
    if not members:
        return "FAIL", "No IAM user belongs to a group; put users in a group that carries their permissions."
    if not with_policies and snapshot.groups is not None:
        return "FAIL", "No group with members has a policy attached; attach the permissions to the group."
    return "PASS", f"Users get their permissions through groups ({', '.join(sorted(members))})."
