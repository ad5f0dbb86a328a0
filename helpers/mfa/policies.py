"""MFA-related IAM policies as plain dicts (notebook 04 shows them; nothing here calls AWS).

``self_service_mfa_policy()`` is the proposed customer-managed policy
``aml-packt-self-service-mfa`` for the group ``aml-packt-users``: AWS's documented
"IAM: Allows IAM users to self-manage an MFA device" example
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_iam_mfa-selfmanage.html)
without its final Deny: AML@Packt works from access keys, with no MFA session, and that Deny
would also shut it out of S3 and every other service.
"""

from __future__ import annotations

SELF_SERVICE_POLICY_NAME = "aml-packt-self-service-mfa"


def self_service_mfa_policy(deactivate_needs_mfa: bool = False, partition: str = "aws") -> dict:
    """Let each user manage only their own MFA devices (``${aws:username}``); notebook 04's proposal."""
    deactivate: dict = {
        "Sid": "AllowUserToDeactivateTheirOwnMFA",
        "Effect": "Allow",
        "Action": ["iam:DeactivateMFADevice"],
        "Resource": [f"arn:{partition}:iam::*:user/${{aws:username}}"],
    }
    if deactivate_needs_mfa:
        # AWS's stricter original: removing a device needs a session signed in with MFA.
        deactivate["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowListActions",
                "Effect": "Allow",
                "Action": ["iam:ListUsers", "iam:ListVirtualMFADevices"],
                "Resource": "*",
            },
            {
                "Sid": "AllowUserToCreateAndDeleteVirtualMFADevice",
                "Effect": "Allow",
                "Action": ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"],
                "Resource": f"arn:{partition}:iam::*:mfa/*",
            },
            {
                "Sid": "AllowUserToManageTheirOwnMFA",
                "Effect": "Allow",
                "Action": ["iam:EnableMFADevice", "iam:GetMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"],
                "Resource": f"arn:{partition}:iam::*:user/${{aws:username}}",
            },
            deactivate,
        ],
    }


def require_mfa_policy(actions: tuple[str, ...] = ("s3:DeleteBucket", "iam:*")) -> dict:
    """Deny *actions* unless the request was signed in with MFA (``aws:MultiFactorAuthPresent``)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenySensitiveActionsWithoutMFA",
                "Effect": "Deny",
                "Action": list(actions),
                "Resource": "*",
                # BoolIfExists: calls signed with plain access keys carry no MFA key at all, and must be denied too.
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
            }
        ],
    }
