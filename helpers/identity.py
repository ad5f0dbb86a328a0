"""Who a set of credentials is: STS GetCallerIdentity, classified (root user, IAM user, role, federated).

The one definition of a caller's identity, used by notebook 00's card, notebook 01's proof
(``helpers.credentials`` adds sentences for errors) and every later verification.
GetCallerIdentity needs no permission at all, so it answers for any valid key.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import boto3

from helpers import aws

ROOT = "root"
IAM_USER = "iam-user"
ASSUMED_ROLE = "assumed-role"
FEDERATED_USER = "federated-user"
OTHER = "other"

KIND_LABELS = {
    ROOT: "the root user (the account's owner)",
    IAM_USER: "an IAM user",
    ASSUMED_ROLE: "an assumed IAM role (temporary credentials)",
    FEDERATED_USER: "a federated user (temporary credentials)",
    OTHER: "an identity of another kind",
}

ROOT_WARNING = (
    "These are the root user's keys, the most dangerous credential an account has. The root user can "
    "do anything, including closing the account and changing its contact and payment details, and no "
    "IAM policy can limit it. Anyone who finds these keys (in a notebook, a screenshot, a repository) "
    "owns the account, and the bill. Use them only to create your IAM user in notebook 02: notebook 03 "
    "deletes them."
)

_ARN = re.compile(r"^arn:(?P<partition>aws[a-z-]*):(?P<service>iam|sts)::(?P<account>\d{12}):(?P<resource>.+)$")


@dataclass(frozen=True)
class Identity:
    """Who a set of credentials is: account ID, ARN and kind (root, IAM user, role, federated)."""

    account_id: str
    arn: str
    kind: str
    name: str = ""
    user_id: str = ""

    @property
    def is_root(self) -> bool:
        return self.kind == ROOT

    @property
    def partition(self) -> str:
        """The caller's partition, from its ARN ("aws" unless e.g. aws-cn or aws-us-gov)."""
        return partition_of(self.arn)

    def lines(self) -> list[str]:
        """The "who you are" card as plain sentences (the root warning last)."""
        who = KIND_LABELS.get(self.kind, KIND_LABELS[OTHER])
        named = f" {self.name}" if self.name and self.kind != ROOT else ""
        out = [f"Account {self.account_id}: you are {who}{named}.", f"ARN: {self.arn}"]
        if self.is_root:
            out.append(f"Warning: {ROOT_WARNING}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        who = html.escape(KIND_LABELS.get(self.kind, KIND_LABELS[OTHER]))
        named = f" <b>{html.escape(self.name)}</b>" if self.name and self.kind != ROOT else ""
        warning = (
            '<div class="aml-cred-root-warning" style="color:#b00020;font-weight:bold;margin-top:.5em">'
            f"&#9888; {html.escape(ROOT_WARNING)}</div>"
            if self.is_root
            else ""
        )
        return (
            '<div class="aml-cred-card" style="border:1px solid #999;border-radius:6px;padding:.6em 1em">'
            "<div><b>Who you are</b></div>"
            f'<div>Account ID: <code class="aml-cred-account">{html.escape(self.account_id)}</code></div>'
            f'<div>ARN: <code class="aml-cred-arn">{html.escape(self.arn)}</code></div>'
            f'<div class="aml-cred-kind">You are {who}{named}.</div>{warning}</div>'
        )


def partition_of(arn: str | None, default: str = "aws") -> str:
    """The partition of an ARN ("aws", "aws-cn", "aws-us-gov", ...): ARNs the lesson builds use the caller's."""
    match = re.match(r"^arn:(aws[a-z-]*):", arn or "")
    return match[1] if match else default


def classify_arn(arn: str, user_id: str = "") -> Identity:
    """Turn a caller ARN into an ``Identity`` (pure; used by ``who_am_i``)."""
    match = _ARN.match(arn or "")
    if not match:
        return Identity(account_id="", arn=arn, kind=OTHER, user_id=user_id)
    account, service, resource = match["account"], match["service"], match["resource"]
    if service == "iam" and resource == "root":
        return Identity(account, arn, ROOT, "", user_id)
    if service == "iam" and resource.startswith("user/"):
        return Identity(account, arn, IAM_USER, resource.rsplit("/", 1)[-1], user_id)
    if service == "sts" and resource.startswith("assumed-role/"):
        parts = resource.split("/")
        name = "/".join(parts[1:3]) if len(parts) >= 3 else parts[-1]
        return Identity(account, arn, ASSUMED_ROLE, name, user_id)
    if service == "sts" and resource.startswith("federated-user/"):
        return Identity(account, arn, FEDERATED_USER, resource.split("/", 1)[1], user_id)
    return Identity(account, arn, OTHER, resource, user_id)


# AWS: ListAccessKeys, CreateAccessKey, UpdateAccessKey, DeleteAccessKey (and other calls that default to the
# caller) say "If a temporary access key is used, then UserName is required": the root user has no UserName,
# so a root session from `aws login` cannot list or change the root's access keys from code.
TEMPORARY_NEEDS_USERNAME = (
    "These are short-lived credentials (an ASIA key with a session token, as `aws login` gives): AWS needs a "
    "UserName for {action} with them, and the root user has none."
)


def uses_temporary_credentials(session: boto3.Session) -> bool:
    """True when *session* signs with temporary credentials (a session token; ``ASIA`` key IDs): no API call."""
    creds = session.get_credentials()
    if creds is None:
        return False
    frozen = creds.get_frozen_credentials()
    return bool(frozen.token) or (frozen.access_key or "").startswith("ASIA")


def who_am_i(session: boto3.Session) -> Identity:
    """Ask STS who *session*'s credentials belong to; botocore's errors propagate (callers explain them)."""
    answer = aws.client(session, "sts").get_caller_identity()
    return classify_arn(answer.get("Arn", ""), answer.get("UserId", ""))
