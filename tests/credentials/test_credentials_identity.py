"""Proving keys live with STS, classifying the caller, and notebook 01's set-up and verify cells."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.stub import Stubber

import helpers.account
import helpers.aws
from helpers.credentials import (
    KeyPair,
    check_and_save,
    check_key_pair,
    classify_arn,
    clock_skew,
    explain_sts_error,
    prove_key_pair,
    session_from_keys,
    set_up_credentials,
    standing,
    verify_credentials,
)
from helpers.credentials import (
    identity as identity_mod,
)
from helpers.errors import WalkthroughError
from helpers.sources import AwsFiles
from tests.fakes import FakeSource, moto_user_key

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ACCOUNT = "123456789012"


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch, tmp_path):
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AML_WALKTHROUGH_HOME", str(tmp_path / "state"))
    # One attempt: the unreachable-endpoint test should not wait through retries.
    monkeypatch.setattr(
        helpers.aws, "CLIENT_CONFIG", helpers.aws.CLIENT_CONFIG.merge(Config(retries={"max_attempts": 1}))
    )


@pytest.fixture
def files(tmp_path) -> AwsFiles:
    return AwsFiles(tmp_path / "aws" / "config", tmp_path / "aws" / "credentials")


def stubbed_sts(monkeypatch):
    """An STS client that answers from a Stubber, used wherever the code builds its client."""
    client = boto3.client("sts", region_name="us-east-1", aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET)
    stubber = Stubber(client)
    monkeypatch.setattr(identity_mod.aws, "client", lambda session, service: client)
    return stubber


# --- classification ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arn", "kind", "name"),
    [
        (f"arn:aws:iam::{ACCOUNT}:root", "root", ""),
        (f"arn:aws:iam::{ACCOUNT}:user/AML@Packt", "iam-user", "AML@Packt"),
        (f"arn:aws:iam::{ACCOUNT}:user/division/team/alice", "iam-user", "alice"),
        (f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/alice", "assumed-role", "Admin/alice"),
        (
            f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_ReadOnly_0123/alice@example.com",
            "assumed-role",
            "AWSReservedSSO_ReadOnly_0123/alice@example.com",
        ),
        (f"arn:aws:sts::{ACCOUNT}:federated-user/bob", "federated-user", "bob"),
        (f"arn:aws-cn:iam::{ACCOUNT}:root", "root", ""),
        ("not-an-arn", "other", ""),
    ],
)
def test_every_kind_of_caller_is_classified(arn, kind, name):
    found = classify_arn(arn)
    assert (found.kind, found.name) == (kind, name)
    if kind != "other":
        assert found.account_id == ACCOUNT


def test_the_root_card_carries_the_red_warning():
    root = classify_arn(f"arn:aws:iam::{ACCOUNT}:root")
    card = root._repr_html_()
    assert 'class="aml-cred-root-warning"' in card and "color:#b00020" in card
    assert "notebook 03 deletes them" in card
    assert str(root).splitlines()[0] == f"Account {ACCOUNT}: you are the root user (the account's owner)."
    user = classify_arn(f"arn:aws:iam::{ACCOUNT}:user/AML@Packt")
    assert "aml-cred-root-warning" not in user._repr_html_()
    assert str(user).splitlines()[0] == f"Account {ACCOUNT}: you are an IAM user AML@Packt."


# --- STS answers moto cannot give: Stubber -------------------------------------------------------


def test_a_real_root_identity(monkeypatch, files):
    stubber = stubbed_sts(monkeypatch)
    stubber.add_response(
        "get_caller_identity", {"UserId": ACCOUNT, "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:root"}
    )
    with stubber:
        found = prove_key_pair(KeyPair(KEY_ID, SECRET), files)
    assert found.is_root and found.account_id == ACCOUNT and found.arn.endswith(":root")


def test_a_federated_user(monkeypatch, files):
    stubber = stubbed_sts(monkeypatch)
    arn = f"arn:aws:sts::{ACCOUNT}:federated-user/bob"
    stubber.add_response("get_caller_identity", {"UserId": f"{ACCOUNT}:bob", "Account": ACCOUNT, "Arn": arn})
    with stubber:
        assert prove_key_pair(KeyPair(KEY_ID, SECRET), files).kind == "federated-user"


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (
            "ExpiredToken",
            "The security token included in the request is expired",
            "These temporary credentials have expired.",
        ),
        (
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            "AWS does not know this access key ID",
        ),
        (
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
            "The secret access key does not match the access key ID.",
        ),
    ],
)
def test_refusals_become_one_sentence_with_the_fix(monkeypatch, files, code, message, expected):
    stubber = stubbed_sts(monkeypatch)
    stubber.add_client_error("get_caller_identity", code, message, http_status_code=403)
    with stubber, pytest.raises(WalkthroughError) as info:
        prove_key_pair(KeyPair(KEY_ID, SECRET), files)
    assert str(info.value).startswith(expected)
    assert SECRET not in str(info.value)


def skew_error(server: datetime | None, code="RequestTimeTooSkewed", message="") -> ClientError:
    headers = {"date": format_datetime(server, usegmt=True)} if server else {}
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPHeaders": headers}},
        "GetCallerIdentity",
    )


def test_clock_skew_says_how_far_off_the_clock_is():
    now = datetime(2026, 11, 29, 13, 0, 0, tzinfo=timezone.utc)
    ahead = skew_error(now - timedelta(minutes=7, seconds=30))
    assert clock_skew(ahead, now) == timedelta(minutes=7, seconds=30)
    assert explain_sts_error(ahead, now) == (
        "AWS refused the request because your computer's clock is 7 minutes 30 seconds ahead of AWS's "
        "(AWS accepts up to 5 minutes). Set the clock to update automatically (NTP, 'Set time "
        "automatically'), then try again."
    )
    behind = skew_error(now + timedelta(hours=2))
    assert "clock is 2 hours behind AWS's" in explain_sts_error(behind, now)


def test_sts_signature_expired_is_read_as_clock_skew():
    # STS reports a skewed clock as SignatureDoesNotMatch with the two times in the message.
    error = skew_error(
        None,
        "SignatureDoesNotMatch",
        "Signature expired: 20261129T131000Z is now earlier than 20261129T131500Z (20261129T132000Z - 5 min.)",
    )
    assert clock_skew(error) == timedelta(minutes=-10)
    assert "10 minutes behind AWS's" in explain_sts_error(error)


def test_clock_skew_through_the_proof(monkeypatch, files):
    stubber = stubbed_sts(monkeypatch)
    server = datetime.now(timezone.utc) - timedelta(hours=3)
    stubber.add_client_error(
        "get_caller_identity",
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
        http_status_code=403,
        response_meta={"HTTPHeaders": {"date": format_datetime(server, usegmt=True)}},
    )
    # The header has whole seconds and the proof takes a moment: a second or two more may show.
    ahead = r"your computer's clock is 3 hours( \d+ seconds?)? ahead of AWS's"
    with stubber, pytest.raises(WalkthroughError, match=ahead):
        prove_key_pair(KeyPair(KEY_ID, SECRET), files)


def test_an_unreachable_endpoint(tmp_path):
    files = AwsFiles(tmp_path / "c", tmp_path / "k", {"endpoint_url": "http://127.0.0.1:9"})
    # A local endpoint that does not answer: explain() names it and how to start it (helpers.errors).
    with pytest.raises(WalkthroughError, match=r"Nothing answers at http://127\.0\.0\.1:9") as info:
        prove_key_pair(KeyPair(KEY_ID, SECRET), files)
    assert SECRET not in str(info.value)


def test_the_proof_uses_the_accounts_endpoint_and_ignores_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_PROFILE", "does-not-exist")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENTKEY00")
    files = AwsFiles(tmp_path / "c", tmp_path / "k", {"endpoint_url": "http://127.0.0.1:4566"})
    session = session_from_keys(KeyPair(KEY_ID, SECRET), files, "eu-west-1")
    assert session.client("sts").meta.endpoint_url == "http://127.0.0.1:4566"
    assert session.get_credentials().access_key == KEY_ID
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the throw-away config


# --- moto: real calls in-process ------------------------------------------------------------------


@pytest.fixture
def moto_keys(monkeypatch):
    with moto_user_key(monkeypatch) as key:
        yield key


def test_an_iam_user_and_an_assumed_role_with_moto(moto_keys, files):
    found = prove_key_pair(KeyPair(moto_keys["AccessKeyId"], moto_keys["SecretAccessKey"]), files)
    assert (found.kind, found.name, found.account_id) == ("iam-user", "AML@Packt", ACCOUNT)
    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        aws_access_key_id=moto_keys["AccessKeyId"],
        aws_secret_access_key=moto_keys["SecretAccessKey"],
    )
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/R", RoleSessionName="s1")["Credentials"]
    checked = check_key_pair(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert prove_key_pair(checked.pair, files).kind == "assumed-role"


def test_check_and_save_proves_then_saves(moto_keys, files):
    outcome = check_and_save(
        files,
        "root-keys",
        access_key_id=f" {moto_keys['AccessKeyId']}",
        secret_access_key=moto_keys["SecretAccessKey"] + "\n",
        region="eu-west-1",
    )
    assert outcome.identity.kind == "iam-user"
    assert outcome.lines()[0] == "Removed spaces from the access key ID (copying often adds them)."
    assert f"Saved profile root-keys in {files.credentials_file}, {files.config_file}." in outcome.lines()
    assert moto_keys["SecretAccessKey"] not in repr(outcome) + "\n".join(outcome.lines())


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("InvalidClientTokenId", "AWS does not know this access key ID"),
        ("SignatureDoesNotMatch", "The secret access key does not match the access key ID."),
        ("ExpiredToken", "These temporary credentials have expired."),
        ("RequestTimeTooSkewed", "AWS refused the request because your computer's clock is"),
    ],
)
def test_nothing_is_written_when_sts_refuses(monkeypatch, files, code, expected):
    stubber = stubbed_sts(monkeypatch)
    stubber.add_client_error("get_caller_identity", code, "refused", http_status_code=403)
    with stubber, pytest.raises(WalkthroughError) as info:
        check_and_save(files, "root-keys", access_key_id=KEY_ID, secret_access_key=SECRET)
    assert str(info.value).startswith(expected)
    assert not files.credentials_file.parent.exists()


def test_a_bad_region_is_refused_before_any_call(files):
    with pytest.raises(WalkthroughError, match="The region is not an AWS region name") as info:
        check_and_save(files, "root-keys", access_key_id=KEY_ID, secret_access_key=SECRET, region="Ireland")
    assert "Ireland" not in str(info.value)  # what was typed is never quoted back


def test_a_secret_typed_into_the_region_box_is_not_quoted_back(files):
    with pytest.raises(WalkthroughError) as info:
        check_and_save(files, "root-keys", access_key_id=KEY_ID, secret_access_key=SECRET, region=SECRET)
    said = str(info.value) + repr(info.value)
    assert SECRET not in said and SECRET[:8] not in said and SECRET[-8:] not in said
    assert "looks like a key or a secret: clear the region box" in said
    assert not files.credentials_file.parent.exists()


# --- the notebook's cells ---------------------------------------------------------------------------


@pytest.fixture
def fake_source(tmp_path, monkeypatch):
    source = FakeSource(tmp_path / "fake")
    source.folder.mkdir()
    monkeypatch.setattr(helpers.account, "available_sources", lambda: {source.key: source})
    return source


def test_set_up_imports_the_handed_over_keys_and_converges(moto_keys, fake_source):
    (fake_source.folder / "rootkey.csv").write_text(
        f"AWSAccessKeyId={moto_keys['AccessKeyId']}\nAWSSecretKey={moto_keys['SecretAccessKey']}\n"
    )
    first = set_up_credentials()
    assert first.ok, str(first)
    assert first.lines[0].startswith("Imported the root key you created (rootkey.csv, key AKIA…")
    assert helpers.account.current_account().profile == "root-keys"
    saved = fake_source.files().credentials_file.read_text()
    second = set_up_credentials()
    assert second.ok
    assert second.lines == ("Profile root-keys is already set up and works: nothing to change.",)
    assert fake_source.files().credentials_file.read_text() == saved
    assert saved.count("[root-keys]") == 1
    assert verify_credentials().ok
    for report in (first, second):
        assert moto_keys["SecretAccessKey"] not in str(report) + report._repr_html_()


def test_set_up_waits_for_the_learner_unless_auto(moto_keys, fake_source, monkeypatch):
    (fake_source.folder / "rootkey.csv").write_text(
        f"AWSAccessKeyId={moto_keys['AccessKeyId']}\nAWSSecretKey={moto_keys['SecretAccessKey']}\n"
    )
    monkeypatch.delenv("AML_WALKTHROUGH_AUTO", raising=False)
    report = set_up_credentials()
    assert not report.ok
    assert "press 'Use the root key I created (rootkey.csv)'" in report.lines[0]
    assert not fake_source.files().credentials_file.exists()
    assert helpers.account.current_account().profile is None
    monkeypatch.setenv("AML_WALKTHROUGH_AUTO", "1")
    assert set_up_credentials().ok
    assert helpers.account.current_account().profile == "root-keys"


def test_set_up_reuses_a_saved_profile_when_none_is_active(moto_keys, fake_source):
    (fake_source.folder / "rootkey.csv").write_text(
        f"AWSAccessKeyId={moto_keys['AccessKeyId']}\nAWSSecretKey={moto_keys['SecretAccessKey']}\n"
    )
    assert set_up_credentials().ok
    helpers.account.use_profile(None)
    again = set_up_credentials()
    assert again.lines == ("Profile root-keys was already saved and works; it is now the active profile.",)
    assert helpers.account.current_account().profile == "root-keys"


def test_on_a_real_account_set_up_only_verifies_and_points_to_the_form(fake_source):
    fake_source.practice = False
    report = set_up_credentials()
    assert not report.ok
    assert report.lines == (
        "No profile is active yet.",
        "Use the form above to import or type your keys (or pick a profile that works), then run this cell again.",
    )
    assert not fake_source.files().credentials_file.exists()
    assert verify_credentials().lines == (
        "No profile is active yet. Run the set-up cell above, or use the form, then run this again.",
    )


def test_standing_says_where_the_account_starts(moto_keys, fake_source):
    (fake_source.folder / "rootkey.csv").write_text(
        f"AWSAccessKeyId={moto_keys['AccessKeyId']}\nAWSSecretKey={moto_keys['SecretAccessKey']}\n"
    )
    before = standing()
    assert before.lines[2:] == (
        "Saved profiles: none yet.",
        "Active profile: none yet. This notebook sets one up.",
        "In this practice account you have already created a root access key, as the book does (rootkey.csv): "
        "the form's 'Use the root key I created (rootkey.csv)' brings it in.",
    )
    set_up_credentials()
    after = standing()
    assert after.lines[2].startswith("Saved profiles: root-keys (static keys, key AKIA…")
    assert after.lines[3] == "Active profile: root-keys, and it works: nothing to set up unless you want to."
    assert after.identity is not None and after.identity.kind == "iam-user"
    assert moto_keys["SecretAccessKey"] not in str(after) + after._repr_html_()
