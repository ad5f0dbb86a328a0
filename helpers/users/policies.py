"""Pure data for notebook 02: the service catalogue and the password-policy rules (names: ``helpers.names``).

No AWS calls here (like s3-credentials' ``policies.py``): everything is a constant or a
function of its arguments, so plans built from it are testable with no account at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers.errors import WalkthroughError
from helpers.names import CIS_PASSWORD_POLICY

AWS_POLICY_PREFIX = "arn:aws:iam::aws:policy/"


def managed_policy_arn(name: str, partition: str = "aws") -> str:
    """An AWS managed policy's ARN in *partition* (taken from the caller's ARN: aws, aws-cn, aws-us-gov)."""
    return f"arn:{partition}:iam::aws:policy/{name}"


@dataclass(frozen=True)
class Service:
    """One thing AML@Packt may use, granted by one AWS managed policy attached to its group."""

    key: str
    label: str
    policy_name: str
    grants: str
    note: str = ""
    # Part of the base group: removing it would break a later notebook.
    base: bool = False

    @property
    def policy_arn(self) -> str:
        return AWS_POLICY_PREFIX + self.policy_name

    def arn_in(self, partition: str) -> str:
        """The policy's ARN in *partition* (the caller's)."""
        return managed_policy_arn(self.policy_name, partition)


# The base services come first (the book's S3, then what the lesson itself needs); then the optional ones,
# starting with the book's Amazon ML, which AWS no longer offers to new customers.
SERVICES: tuple[Service, ...] = (
    Service(
        "s3",
        "Amazon S3",
        "AmazonS3FullAccess",
        "Every S3 action on every bucket in the account: create, read, overwrite and delete data.",
        base=True,
    ),
    Service(
        "changepassword",
        "Change own password",
        "IAMUserChangePassword",
        "Only iam:ChangePassword on the user itself, so AML@Packt sets its own password at first sign-in.",
        base=True,
    ),
    Service(
        "iamread",
        "Read IAM settings",
        "IAMReadOnlyAccess",
        "Read-only IAM (Get*, List*, credential report), so AML@Packt can verify the account's "
        "security status and root MFA in notebooks 04 and 05. It cannot change anything in IAM.",
        base=True,
    ),
    Service(
        "machinelearning",
        "Amazon Machine Learning",
        "AmazonMachineLearningFullAccess",
        "Every Amazon ML action: data sources, models, evaluations, batch and real-time predictions.",
        # Offered for the book's sake, not ticked by default: AWS takes no new Amazon ML customers.
        note="Closed to new customers; SageMaker AI is its successor.",
    ),
    Service(
        "athena",
        "Amazon Athena",
        "AmazonAthenaFullAccess",
        "Every Athena action plus the Glue catalogue and S3 results-bucket access Athena queries need.",
    ),
    Service(
        "lambda",
        "AWS Lambda",
        # Not "AWSLambdaFullAccess": AWS deprecated that one; this is its replacement.
        "AWSLambda_FullAccess",
        "Every Lambda action, plus reading the roles, logs and event sources functions use; it can pass "
        "roles to Lambda.",
    ),
    Service(
        "sagemaker",
        "Amazon SageMaker AI",
        "AmazonSageMakerFullAccess",
        "Every SageMaker AI action and the supporting services it drives (S3 buckets named *sagemaker*, "
        "ECR, CloudWatch, passing SageMaker roles).",
        note="The successor of Amazon Machine Learning.",
    ),
)

DEPRECATED_POLICIES = {"AWSLambdaFullAccess": "AWSLambda_FullAccess"}

BASE_SERVICES: tuple[str, ...] = tuple(s.key for s in SERVICES if s.base)
OPTIONAL_SERVICES: tuple[str, ...] = tuple(s.key for s in SERVICES if not s.base)


class UnknownServiceError(WalkthroughError, ValueError):
    """A service name that is not in the catalogue (message lists the valid ones)."""


def service(name: str) -> Service:
    """The catalogue entry for *name* (a key like "athena", a label, or a policy name); notebook 02."""
    wanted = name.strip().casefold()
    for s in SERVICES:
        if wanted in (s.key, s.label.casefold(), s.policy_name.casefold()):
            return s
    if name.strip() in DEPRECATED_POLICIES:
        raise UnknownServiceError(
            f"{name} is deprecated by AWS; use {DEPRECATED_POLICIES[name.strip()]} (service 'lambda')."
        )
    valid = ", ".join(s.key for s in SERVICES)
    raise UnknownServiceError(f"Unknown service {name!r}: choose one of {valid}.")


# What AWS applies when an account has no password policy at all.
AWS_DEFAULT_PASSWORD_POLICY: dict[str, int | bool] = {
    "MinimumPasswordLength": 8,
    "RequireSymbols": True,
    "RequireNumbers": True,
    "RequireUppercaseCharacters": True,
    "RequireLowercaseCharacters": True,
    "AllowUsersToChangePassword": True,
    "HardExpiry": False,
}

POLICY_FIELDS = (
    "MinimumPasswordLength",
    "RequireSymbols",
    "RequireNumbers",
    "RequireUppercaseCharacters",
    "RequireLowercaseCharacters",
    "AllowUsersToChangePassword",
    "PasswordReusePrevention",
    "MaxPasswordAge",
    "HardExpiry",
)


def wanted_password_policy(current: dict | None, max_age_days: int | None = None) -> dict[str, int | bool]:
    """The policy to set: CIS, keeping any stricter current value; expiry optional (notebook 02).

    ``max_age_days`` None keeps the current expiry (none if there is none); 0 turns expiry off.
    """
    current = dict(current or {})
    wanted = dict(CIS_PASSWORD_POLICY)
    wanted["MinimumPasswordLength"] = max(
        int(CIS_PASSWORD_POLICY["MinimumPasswordLength"]), int(current.get("MinimumPasswordLength") or 0)
    )
    wanted["HardExpiry"] = bool(current.get("HardExpiry", False))
    age = current.get("MaxPasswordAge") if max_age_days is None else max_age_days
    if age:
        if not 1 <= int(age) <= 1095:
            raise ValueError(f"Password expiry must be between 1 and 1095 days, not {age}.")
        wanted["MaxPasswordAge"] = int(age)
    return wanted


def normalise_password_policy(raw: dict | None) -> dict[str, int | bool] | None:
    """Only the settable fields of a GetAccountPasswordPolicy answer; 0 / missing expiry dropped."""
    if raw is None:
        return None
    out = {k: raw[k] for k in POLICY_FIELDS if k in raw}
    if not out.get("MaxPasswordAge"):
        out.pop("MaxPasswordAge", None)
    if not out.get("PasswordReusePrevention"):
        out.pop("PasswordReusePrevention", None)
    return out
