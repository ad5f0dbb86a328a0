"""Shared fixtures for notebook 02's tests (moto in-process; never real AWS). No tests here."""

from __future__ import annotations

import functools
import json
import os

from helpers import aws
from helpers.sources import AwsFiles

ROOT_KEY_ID = "AKIAROOTKEY000000001"


def make_files(tmp_path) -> AwsFiles:
    creds = tmp_path / "aws" / "credentials"
    config = tmp_path / "aws" / "config"
    creds.parent.mkdir(parents=True, exist_ok=True)
    creds.write_text(
        "# the root user's keys, saved by notebook 01\n"
        f"[root-keys]\naws_access_key_id = {ROOT_KEY_ID}\naws_secret_access_key = rootsecretrootsecret\n"
    )
    config.write_text("[profile root-keys]\nregion = us-east-1\n")
    return AwsFiles(config, creds, {"endpoint_url_marker": "kept"})


@functools.cache
def _aws_managed_policies() -> dict:
    """AWS's managed policies as moto ships them, parsed once per test process (moto parses them per account)."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return json.loads(aws_managed_policies_data)


def _load_managed_policies_once(monkeypatch) -> None:
    """moto builds an IAM account for every partition (aws, aws-cn, aws-us-gov, ...), each parsing and loading
    about 1,300 managed policies: a second or two per test. The lesson lives in partition aws: only that one
    gets them, from one parse."""
    from moto.iam import models

    def init_aws_policies(backend) -> list:
        if not models.load_iam_aws_managed_policies() or backend.partition != "aws":
            return []
        return [
            models.AWSManagedPolicy.from_data(name, backend.account_id, backend.region_name, data)
            for name, data in _aws_managed_policies().items()
        ]

    monkeypatch.setattr(models.IAMBackend, "_init_aws_policies", init_aws_policies)


def moto_account_fixture(tmp_path, monkeypatch):
    """Yields (root session, files) in a fresh moto account with AWS managed policies loaded."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    monkeypatch.setenv("AML_WALKTHROUGH_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    from moto import mock_aws

    _load_managed_policies_once(monkeypatch)
    files = make_files(tmp_path)
    with mock_aws():
        yield aws.make_session(files, "root-keys"), files
