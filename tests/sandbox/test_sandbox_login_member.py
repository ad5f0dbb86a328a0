"""Scenarios console-login (temporary root credentials, as `aws login` hands them) and member-account."""

from __future__ import annotations

import csv
import io

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers.sandbox import __main__ as cli
from helpers.sandbox import clock, console, files, scenarios, server
from helpers.sandbox.source import SandboxAccount
from tests.sandbox_support import NO_RETRY, client, code_of, module_sandbox, temporary_session

sandbox = module_sandbox("sandbox-login-member")


def reset_to_one_profile(sandbox, scenario: str, profile: str, arn_tail: str):
    """Reset to *scenario*: no rootkey.csv, only *profile* saved, and it signs as the account's *arn_tail*."""
    home, info = sandbox
    scenarios.reset(scenario, home=home)
    p = files.paths(home)
    assert not p.rootkey_csv.exists()
    assert files.profile_names(p) == [profile]
    sts = client(home, profile, "sts")
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{info.account_id}:{arn_tail}"
    return p


def test_console_login_gives_temporary_root_credentials(sandbox):
    home, info = sandbox
    p = reset_to_one_profile(sandbox, "console-login", "root-login", "root")
    text = p.credentials.read_text()
    assert "aws_session_token = " in text
    assert p.credentials.stat().st_mode & 0o077 == 0
    iam = client(home, "root-login")
    assert iam._request_signer._credentials.access_key.startswith("ASIA")  # noqa: SLF001
    assert iam.list_access_keys()["AccessKeyMetadata"] == []  # root: no keys, the session is none
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["AccountAccessKeysPresent"] == 0 and summary["AccountMFAEnabled"] == 0
    assert summary["AccountPasswordPresent"] == 1
    # The root may do everything, as with its own keys: create AML@Packt's user.
    iam.create_user(UserName="someone")
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["someone"]
    assert "console-login" in scenarios.SCENARIOS and "root-login" in scenarios.SCENARIOS["console-login"]


def test_temporary_credentials_need_their_token_and_expire(sandbox):
    home, info = sandbox
    scenarios.reset("console-login", home=home)
    login = console.root_login(hours=12, home=home)
    assert "****" in repr(login) and login.secret_access_key not in repr(login)

    def sts(token):
        s = boto3.Session(
            aws_access_key_id=login.access_key_id,
            aws_secret_access_key=login.secret_access_key,
            aws_session_token=token,
            region_name="us-east-1",
        )
        return s.client("sts", endpoint_url=info.url, config=NO_RETRY)

    with pytest.raises(ClientError) as err:
        sts(None).get_caller_identity()
    assert code_of(err.value) == "InvalidClientTokenId"
    with pytest.raises(ClientError) as err:
        sts(login.session_token + "x").get_caller_identity()
    assert code_of(err.value) == "InvalidClientTokenId"
    short = console.root_login(hours=1 / 3600, home=home)  # one second
    clock.advance(2, home=home)  # the account's clock moves on: no waiting
    s = boto3.Session(
        aws_access_key_id=short.access_key_id,
        aws_secret_access_key=short.secret_access_key,
        aws_session_token=short.session_token,
        region_name="us-east-1",
    )
    with pytest.raises(ClientError) as err:
        s.client("sts", endpoint_url=info.url, config=NO_RETRY).get_caller_identity()
    assert code_of(err.value) == "ExpiredToken"


def test_console_login_survives_a_stop(sandbox):
    home, _info = sandbox
    scenarios.reset("console-login", home=home)
    server.stop(home)
    server.start(home)
    assert client(home, "root-login", "sts").get_caller_identity()["Arn"].endswith(":root")


def test_member_account_has_no_root_credentials(sandbox):
    home, info = sandbox
    reset_to_one_profile(sandbox, "member-account", "admin", "user/Admin")
    iam = client(home, "admin")
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["AccountPasswordPresent"] == 0
    assert summary["AccountMFAEnabled"] == 0
    assert summary["AccountAccessKeysPresent"] == 0
    iam.generate_credential_report()
    report = iam.get_credential_report()["Content"].decode()
    rows = {row["user"]: row for row in csv.DictReader(io.StringIO(report))}
    assert rows["<root_account>"]["password_enabled"] == "false"
    assert rows["<root_account>"]["access_key_1_active"] == "false"
    state = console.root_state(home=home)
    assert state["access_keys"] == [] and state["mfa_enabled"] is None
    assert "Admin" in SandboxAccount(home).describe() and "no password" in SandboxAccount(home).describe()


def test_new_account_says_the_key_was_created_as_the_book_says(sandbox):
    home, _info = sandbox
    scenarios.reset("new-account", home=home)
    assert "after the learner created a root access key" in scenarios.SCENARIOS["new-account"]
    assert files.paths(home).rootkey_csv.exists()
    assert "one access key" in SandboxAccount(home).describe()


def test_cli_lists_the_new_scenarios(capsys):
    assert cli.main(["scenarios"]) == 0
    out = capsys.readouterr().out
    assert "--scenario console-login" in out and "--scenario member-account" in out


def test_the_root_gets_session_credentials_from_its_keys(sandbox):
    home, info = sandbox
    scenarios.reset(at="02", home=home)
    creds = client(home, "root-keys", "sts").get_session_token()["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    temporary = temporary_session(creds)
    sts = temporary.client("sts", endpoint_url=info.url, config=NO_RETRY)
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{info.account_id}:root"
    with pytest.raises(ClientError) as err:
        sts.get_session_token()
    assert code_of(err.value) == "AccessDenied"
    # The root has no MFA device yet: a code cannot be checked against one.
    with pytest.raises(ClientError) as err:
        client(home, "root-keys", "sts").get_session_token(
            SerialNumber=f"arn:aws:iam::{info.account_id}:mfa/root-account-mfa-device", TokenCode="123456"
        )
    assert code_of(err.value) == "AccessDenied"
