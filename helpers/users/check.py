"""Notebook 02's closing check: what AML@Packt can and cannot do, run as AML@Packt."""

from __future__ import annotations

from dataclasses import dataclass

import boto3
from botocore.exceptions import ClientError

from helpers import aws
from helpers.credentials.profiles import saved_key_id
from helpers.errors import error_code, is_access_denied
from helpers.names import ROOT_PROFILE
from helpers.sources import AwsFiles


@dataclass(frozen=True)
class Capability:
    """One attempted action and what happened."""

    action: str
    expected: bool  # should AML@Packt be allowed?
    allowed: bool
    detail: str

    @property
    def as_expected(self) -> bool:
        return self.expected == self.allowed

    def __str__(self) -> str:
        mark = "allowed" if self.allowed else "refused"
        return f"{self.action}: {mark}. {self.detail}"


def _try(action: str, expected: bool, call, ok_detail: str) -> Capability:
    try:
        answer = call()
    except ClientError as exc:
        code = error_code(exc)
        if is_access_denied(exc):
            return Capability(action, expected, False, f"AWS answered {code}: AML@Packt lacks that permission.")
        return Capability(action, expected, True, f"AWS accepted the permission but answered {code}.")
    return Capability(action, expected, True, ok_detail.format(answer=answer))


def check_capabilities(session: boto3.Session, files: AwsFiles | None = None) -> list[Capability]:
    """Try a few actions with *session* (AML@Packt's): S3 and IAM reads work, deleting root's keys does not."""
    s3 = aws.client(session, "s3")
    iam = aws.client(session, "iam")
    root_key = (saved_key_id(files, ROOT_PROFILE, masked=False) if files else None) or "AKIAROOTKEYNOTSAVED0"
    return [
        _try(
            "List S3 buckets",
            True,
            lambda: len(s3.list_buckets().get("Buckets", [])),
            "{answer} bucket(s) listed (AmazonS3FullAccess).",
        ),
        _try(
            "Read the IAM account summary",
            True,
            lambda: iam.get_account_summary()["SummaryMap"].get("Users"),
            "It sees {answer} IAM user(s) (IAMReadOnlyAccess).",
        ),
        # Without a UserName, DeleteAccessKey acts on the *caller's* keys, so even if it were
        # allowed it could not touch the root's key: a safe probe of the permission.
        _try(
            "Delete the root user's access key",
            False,
            lambda: iam.delete_access_key(AccessKeyId=root_key),
            "Unexpected: this identity may delete access keys.",
        ),
    ]
