"""A fake account source for tests: AWS files in a folder of the test's own (no server, no AWS)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from helpers.sources import AwsFiles

KEY_A = "AKIAAAAAAAAAAAAAAAAA"  # a well-formed access key ID that no account has (profile "a" of the fakes)


@dataclass
class FakeSource:
    """An account source like the practice one: its own files, and a rootkey.csv if the test puts one there."""

    folder: Path
    practice: bool = True
    key: str = "fake"
    label: str = "A fake account"
    default_region: str = "us-east-1"
    endpoint_url: str | None = None  # written into new profiles, as the practice account's is

    def files(self) -> AwsFiles:
        settings = {"endpoint_url": self.endpoint_url} if self.endpoint_url else {}
        return AwsFiles(self.folder / "config", self.folder / "credentials", settings)

    def handed_over_keys(self) -> Path | None:
        path = self.folder / "rootkey.csv"
        return path if path.exists() else None

    def describe(self) -> str:
        return "A fake account."


@contextlib.contextmanager
def moto_user_key(monkeypatch: pytest.MonkeyPatch, user: str = "AML@Packt") -> Iterator[dict]:
    """A real access key (``AccessKeyId``, ``SecretAccessKey``, ...) of IAM user *user* in an in-process moto
    account, live while the block runs; moto's own signing keys are gone from the environment again inside it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        iam.create_user(UserName=user)
        key = iam.create_access_key(UserName=user)["AccessKey"]
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
        yield key
