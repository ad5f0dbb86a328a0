"""Checks of the IAM password policy (group "password"; the card's fifth line, all but expiry).

Each is a judge of the policy dict (``GetAccountPasswordPolicy``), registered with ``@password_check``,
which adds what the seven share: severity medium, the same fix, and a FAIL when there is no policy.
"""

from __future__ import annotations

from collections.abc import Callable

from helpers.names import password_policy_cli
from helpers.status.checks.registry import Verdicts, check
from helpers.status.model import PASSWORD_POLICY, Snapshot

PASSWORD_MIN_LENGTH = 14
PASSWORD_REUSE = 24
PASSWORD_MAX_AGE = 90

POLICY_PAGE = "https://console.aws.amazon.com/iam/home#/account_settings"
CLI_POLICY = f"CLI: {password_policy_cli()} (the call replaces the whole policy: give every setting you want to keep)."

_POLICY_STEPS = (
    f"Console: IAM > Account settings ({POLICY_PAGE}) > Password policy > Edit.",
    "Choose Custom, then set: minimum length 14; require at least one uppercase letter, one lowercase letter, "
    "one number and one symbol; prevent reuse of the last 24 passwords; allow users to change their own password.",
    CLI_POLICY,
)
_CHECKLIST = "Apply an IAM password policy"  # expiry is left out: the lesson's policy does not expire passwords
_CIS_V12 = "beyond current CIS: CIS v1.2 asked for it, CIS v1.3 and later (v5.0 today) do not"
_CLASS_RISK = (
    "Each character class a password must contain multiplies the guesses an attacker needs. Without a policy, "
    "IAM accepts short one-class passwords for your users' console sign-in."
)

Judge = Callable[[dict], tuple[bool, str]]


def password_check(**record) -> Callable[[Judge], Judge]:
    """Decorator: register a judge of the password policy as a check (keyword arguments as ``check``)."""

    def wrap(judge: Judge) -> Judge:
        def evaluate(snapshot: Snapshot) -> Verdicts:
            policy = snapshot.password_policy
            if policy is None:
                return [("FAIL", "The account has no IAM password policy.", "password_policy")]
            ok, message = judge(policy)
            return [("PASS" if ok else "FAIL", message, "password_policy")]

        shared = {"group": "password", "severity": "medium", "remediation": _POLICY_STEPS}
        check(**shared, needs=(PASSWORD_POLICY,), resource="password_policy", **record)(evaluate)
        return judge

    return wrap


@password_check(
    id="iam_password_policy_minimum_length_14",
    title="Ensure the IAM password policy requires a minimum length of 14 or more",
    cis=("1.7", "Ensure IAM password policy requires minimum length of 14 or greater"),
    checklist=_CHECKLIST,
    risk="Length is what makes a password hard to guess or crack; 14 characters is the CIS benchmark's minimum.",
)
def _length(policy: dict) -> tuple[bool, str]:
    length = int(policy.get("MinimumPasswordLength") or 0)
    if length >= PASSWORD_MIN_LENGTH:
        return True, f"The IAM password policy requires at least {length} characters."
    return False, (f"The IAM password policy requires only {length} characters, fewer than {PASSWORD_MIN_LENGTH}.")


@password_check(
    id="iam_password_policy_reuse_24",
    title="Ensure the IAM password policy prevents password reuse (24)",
    cis=("1.8", "Ensure IAM password policy prevents password reuse"),
    checklist=_CHECKLIST,
    risk="If users can go back to an old password, a password that leaked once keeps working. Remembering the "
    "last 24 passwords stops that.",
)
def _reuse(policy: dict) -> tuple[bool, str]:
    reuse = int(policy.get("PasswordReusePrevention") or 0)
    if reuse >= PASSWORD_REUSE:
        return True, f"The IAM password policy prevents reuse of the last {reuse} passwords."
    if not reuse:
        return False, "The IAM password policy does not prevent password reuse."
    return False, (
        f"The IAM password policy prevents reuse of only the last {reuse} passwords, fewer than {PASSWORD_REUSE}."
    )


def _requires(key: str, what: str) -> Judge:
    def judge(policy: dict) -> tuple[bool, str]:
        if policy.get(key):
            return True, f"The IAM password policy requires at least one {what}."
        return False, f"The IAM password policy does not require at least one {what}."

    return judge


# The four character-class checks: (Prowler's check ID, the policy's field, the class in words).
_CLASSES = (
    ("iam_password_policy_lowercase", "RequireLowercaseCharacters", "lowercase letter"),
    ("iam_password_policy_uppercase", "RequireUppercaseCharacters", "uppercase letter"),
    ("iam_password_policy_number", "RequireNumbers", "number"),
    ("iam_password_policy_symbol", "RequireSymbols", "symbol"),
)
for _id, _key, _what in _CLASSES:
    password_check(
        id=_id,
        title=f"Ensure the IAM password policy requires at least one {_what}",
        beyond_cis=_CIS_V12,
        checklist=_CHECKLIST,
        risk=_CLASS_RISK,
    )(_requires(_key, _what))


@password_check(
    id="iam_password_policy_expires_passwords_within_90_days_or_less",
    title="Ensure the IAM password policy expires passwords within 90 days or less",
    beyond_cis=_CIS_V12 + "; NIST SP 800-63B advises against forced expiry",
    risk="A password that never expires works forever once it leaks. (Newer guidance, including NIST and recent "
    "CIS versions, prefers long passwords plus MFA to forced rotation: this lesson's policy leaves expiry off, "
    "so this check is expected to fail; it is shown because older benchmarks and many auditors still ask for it.)",
)
def _expiry(policy: dict) -> tuple[bool, str]:
    age = int(policy.get("MaxPasswordAge") or 0)
    if not policy.get("ExpirePasswords") or not age:
        return False, "The IAM password policy does not make passwords expire."
    if age <= PASSWORD_MAX_AGE:
        return True, f"The IAM password policy makes passwords expire after {age} days."
    return False, (f"The IAM password policy makes passwords expire after {age} days, more than {PASSWORD_MAX_AGE}.")
