"""Helpers for the sandbox tests: a private sandbox per test module, sessions as a notebook builds them."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers.sandbox import files, scenarios, server

ROOT = Path(__file__).resolve().parents[1]
# The policy notebook 02 attaches to AML@Packt's group (format it with the account ID).
MFA_POLICY_ARN = "arn:aws:iam::{}:policy/aml-packt-self-service-mfa"
NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30)


@contextlib.contextmanager
def private_sandbox(home: Path) -> Iterator[server.SandboxInfo]:
    """A sandbox of its own for *home* (its own process and port), stopped afterwards."""
    saved = {n: os.environ.pop(n) for n in list(os.environ) if n in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    try:
        info = server.start(home)
        yield info
    finally:
        server.stop(home)
        os.environ.update(saved)


def module_sandbox(name: str):
    """A module-scoped ``sandbox`` fixture: ``(home, info)`` of a private sandbox in a fresh *name* folder.

    Use as ``sandbox = module_sandbox("cleanup")`` at a test module's top level.
    """

    @pytest.fixture(scope="module")
    def sandbox(tmp_path_factory):
        home = tmp_path_factory.mktemp(name)
        with private_sandbox(home) as info:
            yield home, info

    return sandbox


def reset_at(sandbox: tuple[Path, server.SandboxInfo], checkpoint: str) -> Path:
    """Reset a ``module_sandbox`` account to the start of notebook *checkpoint* ("03"); its state folder."""
    home, _info = sandbox
    scenarios.reset(at=checkpoint, home=home)
    return home


def module_learner(name: str):
    """A module-scoped ``learner`` fixture: one learner's state folder (a fresh *name* folder), the practice
    account chosen, its own server; yields the folder. Use as ``learner = module_learner("progress-state")``.
    """

    @pytest.fixture(scope="module")
    def learner(tmp_path_factory):
        state = tmp_path_factory.mktemp(name)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("AML_WALKTHROUGH_HOME", str(state))
            mp.setenv("AML_WALKTHROUGH_ACCOUNT", "sandbox")
            mp.delenv("AML_WALKTHROUGH_PROFILE", raising=False)
            with private_sandbox(state):
                yield state

    return learner


def session(home: Path, profile: str) -> boto3.Session:
    """A plain ``boto3.Session(profile_name=...)`` over the sandbox files, as a notebook kernel builds it."""
    p = files.paths(home)
    core = botocore.session.Session()
    core.set_config_variable("config_file", str(p.config))
    core.set_config_variable("credentials_file", str(p.credentials))
    return boto3.Session(botocore_session=core, profile_name=profile)


def client(home: Path, profile: str, service: str = "iam"):
    return session(home, profile).client(service, config=NO_RETRY)


def keys_client(url: str, key_id: str, secret: str, service: str = "iam", token: str | None = None):
    """A client signing with explicit keys (a key that is no longer in any profile; *token*: temporary ones)."""
    s = boto3.Session(
        aws_access_key_id=key_id, aws_secret_access_key=secret, aws_session_token=token, region_name="us-east-1"
    )
    return s.client(service, endpoint_url=url, config=NO_RETRY)


def temporary_session(creds: dict) -> boto3.Session:
    """A session signing with the temporary credentials STS returned (*creds*: its ``Credentials``)."""
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-east-1",
    )


def read_rootkey(home: Path) -> tuple[str, str]:
    lines = dict(line.split("=", 1) for line in files.paths(home).rootkey_csv.read_text().splitlines())
    return lines["AWSAccessKeyId"], lines["AWSSecretKey"]


def save_root_profile(home: Path, url: str, name: str = "root-keys") -> tuple[str, str]:
    """What notebook 01 does: save the handed-over root keys as a profile."""
    key_id, secret = read_rootkey(home)
    files.write_profile(files.paths(home), name, key_id, secret, url)
    return key_id, secret


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m helpers.sandbox ARGS`` for the state folder *home*, as a learner's terminal runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AML_WALKTHROUGH_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "helpers.sandbox", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def code_of(exc: ClientError) -> str:
    return exc.response["Error"]["Code"]
