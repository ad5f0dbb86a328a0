"""Shared fixtures for notebook 02's tests (moto in-process; never real AWS). No tests here."""

from __future__ import annotations

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

    files = make_files(tmp_path)
    with mock_aws():
        yield aws.make_session(files, "root-keys"), files
