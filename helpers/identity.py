"""Who a profile is: STS GetCallerIdentity, classified (root user, IAM user, role, federated).

Used by notebook 00's "who am I" card, notebook 01's check and every later verification.
"""

from __future__ import annotations

from dataclasses import dataclass

import boto3

from helpers import aws

ROOT = "root user"
IAM_USER = "IAM user"
ASSUMED_ROLE = "assumed role"
FEDERATED = "federated user"
UNKNOWN = "unknown identity"


@dataclass(frozen=True)
class Identity:
    """The caller behind a profile: account ID, ARN, kind and a short name."""

    account_id: str
    arn: str
    kind: str
    name: str

    @property
    def is_root(self) -> bool:
        return self.kind == ROOT


def classify_arn(arn: str) -> tuple[str, str]:
    """(kind, name) for a caller ARN, e.g. ``arn:aws:iam::123456789012:user/AML@Packt`` -> (IAM user, AML@Packt)."""
    parts = arn.split(":", 5)
    resource = parts[5] if len(parts) == 6 else ""
    service = parts[2] if len(parts) > 2 else ""
    if service == "iam" and resource == "root":
        return ROOT, "root"
    if service == "iam" and resource.startswith("user/"):
        return IAM_USER, resource.rsplit("/", 1)[-1]
    if service == "sts" and resource.startswith("assumed-role/"):
        role = resource.split("/")[1] if resource.count("/") >= 1 else resource
        return ASSUMED_ROLE, role
    if service == "sts" and resource.startswith("federated-user/"):
        return FEDERATED, resource.split("/", 1)[1]
    return UNKNOWN, resource or arn


def who_am_i(session: boto3.Session) -> Identity:
    """Ask STS who *session*'s credentials belong to (any valid key may call this; no permission needed)."""
    answer = aws.client(session, "sts").get_caller_identity()
    kind, name = classify_arn(answer["Arn"])
    return Identity(answer["Account"], answer["Arn"], kind, name)
