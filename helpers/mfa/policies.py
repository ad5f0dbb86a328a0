"""MFA-related IAM policies as plain dicts (notebook 04 shows them; nothing here calls AWS).

``self_service_mfa_policy()`` is the customer-managed policy ``aml-packt-self-service-mfa`` (its name is in
``helpers.names``) for the group
``aml-packt-users``. It follows AWS's documented example "AWS: Allows MFA-authenticated IAM users to manage
their own MFA device on the Security credentials page"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html),
statement by statement, with these differences (``DIFFERENCES``; notebook 04 names each):

1. No final ``DenyAllExceptListedIfNoMFA``: AML@Packt works from access keys, and that Deny would shut it out of
   S3 and every other service unless every call went through an MFA session.
2. ``iam:DeactivateMFADevice`` has a statement of its own. The example needs MFA for it through its Deny; here
   AWS's own rule does that (an IAM user deactivating its device from code must use an MFA session, IAM User
   Guide "Assign MFA devices in the AWS CLI or AWS API"), and ``self_service_mfa_policy(True)`` adds the
   ``aws:MultiFactorAuthPresent`` condition as well.
3. ``iam:DeleteVirtualMFADevice`` is added, so "Remove" and "Start over" can delete a virtual device. IAM cannot
   limit it to the user's own devices by name: it covers any device that is not assigned (AWS refuses to delete
   an assigned one).
"""

from __future__ import annotations

DIFFERENCES = (
    "no final Deny (DenyAllExceptListedIfNoMFA): it would block AML@Packt's access keys everywhere",
    "iam:DeactivateMFADevice in a statement of its own: AWS itself requires an MFA session for it "
    "(self_service_mfa_policy(True) also writes the aws:MultiFactorAuthPresent condition)",
    "iam:DeleteVirtualMFADevice added, for any unassigned virtual device (IAM cannot limit it to one user's devices)",
)


def self_service_mfa_policy(deactivate_needs_mfa: bool = False, partition: str = "aws") -> dict:
    """Let each user manage only their own MFA devices (``${aws:username}``); notebooks 02 and 04.

    *deactivate_needs_mfa* True adds the MFA condition on deactivation (AWS requires an MFA session for an IAM
    user deactivating its own device from code in any case: IAM User Guide, "Assign MFA devices in the AWS CLI").
    """
    own_user = f"arn:{partition}:iam::*:user/${{aws:username}}"
    deactivate: dict = {
        "Sid": "AllowDeactivateOwnMFAWhenSignedInWithMFA",
        "Effect": "Allow",
        "Action": ["iam:DeactivateMFADevice"],
        "Resource": own_user,
    }
    if deactivate_needs_mfa:
        deactivate["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowViewAccountInfo",
                "Effect": "Allow",
                "Action": ["iam:ListVirtualMFADevices"],
                "Resource": "*",
            },
            {
                "Sid": "AllowManageOwnVirtualMFADevice",
                "Effect": "Allow",
                "Action": ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"],
                "Resource": f"arn:{partition}:iam::*:mfa/*",
            },
            {
                "Sid": "AllowManageOwnUserMFA",
                "Effect": "Allow",
                "Action": [
                    "iam:EnableMFADevice",
                    "iam:GetUser",
                    "iam:GetMFADevice",
                    "iam:ListMFADevices",
                    "iam:ResyncMFADevice",
                ],
                "Resource": own_user,
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
