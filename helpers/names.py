"""The lesson's fixed names and the CIS password policy it sets: one home for each, imported everywhere.

Pure data (no imports beyond the standard library), so any module, the practice account included,
can use it without pulling in AWS or widgets.
"""

from __future__ import annotations

USER_NAME = "AML@Packt"  # the IAM user notebook 02 creates for daily work
GROUP_NAME = "aml-packt-users"  # its group, which holds its policies
ROOT_PROFILE = "root-keys"  # the profile notebook 01 saves the root user's keys in (notebook 03 removes it)
USER_PROFILE = "aml-packt"  # the profile holding AML@Packt's key (notebook 02)
SELF_SERVICE_POLICY_NAME = "aml-packt-self-service-mfa"  # the group's MFA self-service policy (notebooks 02, 04)

# CIS AWS Foundations Benchmark v5.0 1.7 (length 14) and 1.8 (reuse 24), Prowler's
# iam_password_policy_minimum_length_14 / _reuse_24. The four character classes are beyond current CIS
# (CIS v1.2 asked for them; Prowler still checks them); expiry is left off (NIST SP 800-63B).
CIS_PASSWORD_POLICY: dict[str, int | bool] = {
    "MinimumPasswordLength": 14,
    "RequireSymbols": True,
    "RequireNumbers": True,
    "RequireUppercaseCharacters": True,
    "RequireLowercaseCharacters": True,
    "AllowUsersToChangePassword": True,
    "PasswordReusePrevention": 24,
    "HardExpiry": False,
}


def _option(field: str) -> str:
    """``MinimumPasswordLength`` -> ``--minimum-password-length`` (the CLI's spelling of an API field)."""
    return "--" + "".join("-" + c.lower() if c.isupper() else c for c in field).lstrip("-")


def password_policy_cli(policy: dict[str, int | bool] | None = None) -> str:
    """The ``aws iam update-account-password-policy`` command that sets *policy* (default: the CIS one)."""
    words = ["aws iam update-account-password-policy"]
    for field, value in (CIS_PASSWORD_POLICY if policy is None else policy).items():
        if value is True:
            words.append(_option(field))
        elif value is not False:  # False is the CLI's default: nothing to write
            words.append(f"{_option(field)} {value}")
    return " ".join(words)
