"""A test run can never reach a real AWS account (root conftest.py's pytest_configure)."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError, ProxyConnectionError

from helpers import aws
from helpers.sources import AwsFiles

REAL_LOOKING = "AKIAIOSFODNN7EXAMPLE"


def test_no_aws_credentials_in_the_environment():
    leaked = [n for n in os.environ if n in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE")]
    assert not leaked
    assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"


def test_home_is_a_fresh_folder_and_aws_files_are_the_practice_accounts():
    home = Path(os.environ["HOME"])
    assert home.name == "home" and "aml-test-run-" in str(home)
    state = Path(os.environ["AML_WALKTHROUGH_HOME"])
    assert Path(os.environ["AWS_CONFIG_FILE"]).is_relative_to(state)
    assert Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).is_relative_to(state)


def test_a_leaked_profile_in_home_is_never_used(tmp_path, monkeypatch):
    """Even a real-looking default profile in ~/.aws is not what boto3 reads during tests."""
    aws_dir = Path(os.environ["HOME"]) / ".aws"
    aws_dir.mkdir(exist_ok=True)
    leaked = aws_dir / "credentials"
    leaked.write_text(f"[default]\naws_access_key_id = {REAL_LOOKING}\naws_secret_access_key = {'x' * 40}\n")
    try:
        creds = boto3.Session().get_credentials()
        assert creds is None or creds.access_key != REAL_LOOKING
    finally:
        leaked.unlink()


def test_a_real_aws_endpoint_is_unreachable(tmp_path):
    """Any request that would leave the machine fails at once at the dead proxy."""
    (tmp_path / "config").write_text("[profile p]\nregion = us-east-1\n")
    (tmp_path / "credentials").write_text(
        f"[p]\naws_access_key_id = {REAL_LOOKING}\naws_secret_access_key = {'x' * 40}\n"
    )
    session = aws.make_session(AwsFiles(tmp_path / "config", tmp_path / "credentials"), "p")
    client = session.client("sts", config=aws.CLIENT_CONFIG.merge(Config(retries={"max_attempts": 1})))
    with pytest.raises((ProxyConnectionError, EndpointConnectionError)):
        client.get_caller_identity()


def test_a_kernel_like_subprocess_inherits_the_isolation():
    code = textwrap.dedent(
        """
        import os, boto3
        print(os.environ.get("HTTPS_PROXY"), os.environ.get("AWS_ACCESS_KEY_ID"), boto3.Session().profile_name)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["http://127.0.0.1:9", "None", "default"]
