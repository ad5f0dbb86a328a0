"""Notebook 01's form, driven with Button.click() and read back from its Output."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import Stubber

import helpers.account
from helpers.credentials import identity as identity_mod
from helpers.errors import WalkthroughError
from helpers.ui.credentials_form import CredentialsForm
from tests.fakes import FakeSource, moto_user_key


@pytest.fixture
def source(tmp_path, monkeypatch):
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AML_WALKTHROUGH_HOME", str(tmp_path / "state"))
    fake = FakeSource(tmp_path / "aws")
    fake.folder.mkdir()
    monkeypatch.setattr(helpers.account, "available_sources", lambda: {fake.key: fake})
    return fake


@pytest.fixture
def keys(monkeypatch):
    """A real key pair of an IAM user in an in-process moto account."""
    with moto_user_key(monkeypatch) as key:
        yield key["AccessKeyId"], key["SecretAccessKey"]


def text_of(form: CredentialsForm) -> str:
    """Everything the Output shows, all mime types, as one string."""
    return json.dumps(form._out.outputs)


def text_of_pane(form: CredentialsForm) -> str:
    return " ".join(w.value for w in form._panes["csv"].children if isinstance(getattr(w, "value", None), str))


def upload(form: CredentialsForm, name: str, data: bytes) -> None:
    form._upload.value = (
        {
            "name": name,
            "type": "text/csv",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": datetime.now(timezone.utc),
        },
    )


def type_keys(key_id: str, secret: str, form: CredentialsForm | None = None) -> CredentialsForm:
    """*form* (a new one if none) with *key_id* and *secret* typed into its boxes, not yet saved."""
    form = form or CredentialsForm()
    form._key_id.value = key_id
    form._secret.value = secret
    return form


def assert_no_secret_anywhere(form: CredentialsForm, secret: str) -> None:
    assert secret not in text_of(form)
    assert secret not in repr(form) + form._plan.value
    assert form._secret.value == "" and form._token.value == "" and form._upload.value == ()
    # What nbclient or JupyterLab would save as widget state.
    for widget in (form._secret, form._token, form._upload):
        assert secret not in json.dumps(widget.get_state(), default=str)


def test_typed_keys_are_checked_proven_saved_and_cleared(source, keys):
    key_id, secret = keys
    form = type_keys(f"  {key_id}", f'"{secret}"\n')
    form._save.click()
    out = text_of(form)
    assert "Removed spaces from the access key ID" in out
    assert "Removed a line break and quotes from the secret access key" in out
    assert f"Saved profile root-keys in {source.folder / 'credentials'}" in out
    assert "Profile root-keys is now the active profile" in out
    assert "aml-cred-card" in out and "AML@Packt" in out
    assert "aml-cred-root-warning" not in out
    assert helpers.account.current_account().profile == "root-keys"
    assert secret in (source.folder / "credentials").read_text()
    assert not form._save.disabled
    assert_no_secret_anywhere(form, secret)


def test_bad_input_says_what_to_do_clears_the_secret_and_writes_nothing(source, keys):
    key_id, secret = keys
    form = type_keys(secret, key_id)
    form._save.click()
    assert "look swapped" in text_of(form)
    type_keys(key_id, secret + "x", form)
    form._save.click()
    assert "The secret access key has 41 characters; it must have exactly 40." in text_of(form)
    assert "Traceback" not in text_of(form)
    assert not (source.folder / "credentials").exists()
    assert_no_secret_anywhere(form, secret)


def test_csv_import_and_a_bad_csv(source, keys):
    key_id, secret = keys
    form = CredentialsForm()
    form._mode.value = "csv"
    upload(form, "notes.csv", b"name,value\nx,y\n")
    form._save.click()
    assert "notes.csv is not an access key file" in text_of(form)
    assert form._upload.value == ()
    upload(form, "accessKeys.csv", f"Access key ID,Secret access key\n{key_id},{secret}\n".encode())
    form._save.click()
    assert "Saved profile root-keys" in text_of(form)
    assert_no_secret_anywhere(form, secret)


def test_pressing_save_without_a_file(source):
    form = CredentialsForm()
    form._mode.value = "csv"
    form._save.click()
    assert "Choose the CSV file first" in text_of(form)


def test_the_keys_the_practice_account_gave(source, keys):
    key_id, secret = keys
    (source.folder / "rootkey.csv").write_text(f"AWSAccessKeyId={key_id}\nAWSSecretKey={secret}\n")
    form = CredentialsForm()
    assert str(source.folder / "rootkey.csv") in text_of_pane(form)
    form._handed.click()
    out = text_of(form)
    assert "Read rootkey.csv, the root key file you created in the console." in out
    assert "Saved profile root-keys" in out
    assert_no_secret_anywhere(form, secret)
    # Pressed again: converges, no duplicate profile.
    form._handed.click()
    assert "already saved with these keys: nothing to change" in text_of(form)
    assert (source.folder / "credentials").read_text().count("[root-keys]") == 1


def test_a_real_account_has_no_handed_over_button_and_says_nothing_is_written_first(source):
    source.practice = False
    form = CredentialsForm()
    assert form._handed is None
    assert "Nothing is written until AWS has confirmed the keys work" in form._plan.value
    assert f"in {source.folder / 'credentials'}" in form._plan.value


def test_the_plan_warns_about_an_existing_profile_before_the_button(source, keys):
    key_id, secret = keys
    (source.folder / "credentials").write_text(
        f"[root-keys]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
    )
    form = CredentialsForm()
    assert "The profile root-keys already exists" in form._plan.value
    form._overwrite.value = True
    assert "Would replace profile root-keys" in form._plan.value
    form._name.value = "my keys"
    assert "cannot contain spaces" in form._plan.value
    assert secret not in form._plan.value


def test_using_a_saved_profile(source, keys):
    key_id, secret = keys
    (source.folder / "credentials").write_text(
        f"[work]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
    )
    form = CredentialsForm()
    form._mode.value = "profile"
    assert form._profiles.value == "work"
    assert form._save.description == "Check and use this profile"
    form._save.click()
    assert "Profile work works; it is now the active profile" in text_of(form)
    assert helpers.account.current_account().profile == "work"
    assert_no_secret_anywhere(form, secret)


def test_root_keys_show_the_red_warning(source, monkeypatch):
    client = boto3.client(
        "sts", region_name="us-east-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x" * 40
    )
    stubber = Stubber(client)
    stubber.add_response(
        "get_caller_identity",
        {"UserId": "123456789012", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:root"},
    )
    monkeypatch.setattr(identity_mod.aws, "client", lambda session, service: client)
    form = type_keys("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    with stubber:
        form._save.click()
    out = text_of(form)
    assert "aml-cred-root-warning" in out and "notebook 03 deletes them" in out
    assert_no_secret_anywhere(form, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


def test_an_sts_refusal_leaves_nothing_written(source, monkeypatch):
    client = boto3.client(
        "sts", region_name="us-east-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x" * 40
    )
    stubber = Stubber(client)
    stubber.add_client_error("get_caller_identity", "SignatureDoesNotMatch", "no match", http_status_code=403)
    monkeypatch.setattr(identity_mod.aws, "client", lambda session, service: client)
    form = type_keys("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    with stubber:
        form._save.click()
    assert "The secret access key does not match the access key ID." in text_of(form)
    assert not (source.folder / "credentials").exists()
    assert form._secret.value == ""


def test_the_button_is_disabled_while_it_works(source, monkeypatch):
    seen = []

    def fake_check_and_save(*args, **kwargs):
        seen.append(form._save.disabled)
        raise WalkthroughError("stopped here")

    monkeypatch.setattr("helpers.credentials.check_and_save", fake_check_and_save)
    form = type_keys("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    form._save.click()
    assert seen == [True]
    assert "stopped here" in text_of(form)
    assert not form._save.disabled


def test_after_a_save_the_plan_says_the_profile_holds_the_key_not_that_it_already_exists(source, keys):
    key_id, secret = keys
    form = type_keys(key_id, secret)
    form._save.click()
    assert "holds the key you just saved" in form._plan.value
    assert "already exists" not in form._plan.value
    form._name.value = "root-keys"  # the same profile, looked at again: still the neutral sentence
    assert "holds the key you just saved" in form._plan.value


def test_every_box_that_could_hold_a_secret_is_emptied_and_never_quoted(source, keys):
    key_id, secret = keys
    form = type_keys(key_id, secret)
    form._region.value = secret  # a secret pasted into the region box by mistake
    assert secret not in form._plan.value and "not hold an AWS region name" in form._plan.value
    form._save.click()
    assert "not hold an AWS region name" in text_of(form) and secret not in text_of(form)
    assert form._region.value == "" and form._key_id.value == "" and form._secret.value == ""
    type_keys(secret, key_id, form)  # the secret in the key ID box: refused, and the box emptied
    form._save.click()
    assert form._key_id.value == "" and secret not in json.dumps(form._key_id.get_state(), default=str)
    assert not (source.folder / "credentials").exists()
    assert_no_secret_anywhere(form, secret)
