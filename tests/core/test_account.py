"""The account choice (notebook 00) and the session factory every notebook uses."""

import json

import pytest

from helpers import account, aws
from helpers.sources import AwsFiles, YourAwsFiles
from tests.fakes import KEY_A, FakeSource

KEY_ENV = "AKIAEEEEEEEEEEEEEEEE"


@pytest.fixture
def fake(tmp_path, isolated_home, monkeypatch):
    src = FakeSource(tmp_path, default_region="eu-west-1", endpoint_url="http://127.0.0.1:1")
    (tmp_path / "config").write_text("[profile a]\nregion = eu-west-1\n")
    (tmp_path / "credentials").write_text(f"[a]\naws_access_key_id = {KEY_A}\naws_secret_access_key = {'s' * 40}\n")
    monkeypatch.setattr(account, "available_sources", lambda: {"fake": src, "aws": YourAwsFiles()})
    return src


def test_default_is_the_first_source_with_no_profile(fake):
    chosen = account.current_account()
    assert chosen.source is fake and chosen.profile is None and chosen.practice


def test_choice_is_remembered_in_the_state_folder(fake, isolated_home):
    account.choose_account("fake", "a")
    saved = json.loads((isolated_home / "account.json").read_text())
    assert saved == {"source": "fake", "profile": "a"}
    assert (isolated_home / "account.json").stat().st_mode & 0o777 == 0o600
    assert account.current_account().profile == "a"
    account.use_profile("b")
    assert account.current_account().profile == "b"


def test_env_vars_override_the_choice(fake, monkeypatch):
    account.choose_account("fake", "a")
    monkeypatch.setenv("AML_WALKTHROUGH_PROFILE", "other")
    assert account.current_account().profile == "other"
    monkeypatch.setenv("AML_WALKTHROUGH_ACCOUNT", "aws")
    assert account.current_account().source.key == "aws"


def test_profile_of_another_source_is_not_carried_over(fake, monkeypatch):
    account.choose_account("fake", "a")
    monkeypatch.setenv("AML_WALKTHROUGH_ACCOUNT", "aws")
    assert account.current_account().profile is None


def test_unknown_source_names_the_valid_ones(fake):
    with pytest.raises(account.AccountChoiceError, match="choose one of fake, aws"):
        account.choose_account("nope")


def test_damaged_choice_file_falls_back_to_default(fake, isolated_home):
    (isolated_home / "account.json").write_text("{not json")
    assert account.current_account().source is fake


def test_session_without_profile_says_what_to_do(fake):
    with pytest.raises(account.AccountChoiceError, match="notebook 01"):
        account.current_account().session()


def test_session_reads_only_the_sources_files_and_ignores_env_keys(fake, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ENV)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "e" * 40)
    session = account.choose_account("fake", "a").session()
    assert session.get_credentials().access_key == KEY_A
    assert session.region_name == "eu-west-1"


def test_session_gets_a_region_when_the_profile_has_none(tmp_path):
    (tmp_path / "config").write_text("")
    (tmp_path / "credentials").write_text(f"[p]\naws_access_key_id = {KEY_A}\naws_secret_access_key = {'s' * 40}\n")
    session = aws.make_session(AwsFiles(tmp_path / "config", tmp_path / "credentials"), "p")
    assert session.region_name == "us-east-1"


def test_clients_use_standard_retries():
    assert aws.CLIENT_CONFIG.retries["mode"] == "standard"


def test_your_aws_files_honour_the_cli_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "c"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "k"))
    files = YourAwsFiles().files()
    assert files.config_file == tmp_path / "c" and files.credentials_file == tmp_path / "k"
    assert not YourAwsFiles().practice
