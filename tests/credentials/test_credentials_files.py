"""Listing, planning and saving profiles in the AWS shared files (notebook 01)."""

from __future__ import annotations

import os
import stat

import pytest

from helpers.credentials import (
    CredentialsFileError,
    KeyPair,
    ProfileExistsError,
    check_profile_name,
    list_profiles,
    plan_save_profile,
    save_profile,
    saved_key_id,
)
from helpers.errors import WalkthroughError
from helpers.sources import AwsFiles

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
OTHER_ID = "AKIAI44QH8DHBEXAMPLE"
OTHER_SECRET = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
PAIR = KeyPair(KEY_ID, SECRET)

CREDENTIALS = f"""\
# My AWS keys; do not share.
[default]
aws_access_key_id = {OTHER_ID}
aws_secret_access_key = {OTHER_SECRET}

; work account, rotated monthly
[work]
aws_access_key_id={OTHER_ID}
aws_secret_access_key={OTHER_SECRET}
# trailing comment in work

[temp]
aws_access_key_id = ASIAI44QH8DHBEXAMPLE
aws_secret_access_key = {OTHER_SECRET}
aws_session_token = FwoGZXIvYXdzEJr
"""

CONFIG = """\
# config written by hand
[default]
region = eu-west-1
output = json

[profile sso-dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = ReadOnly

[sso-session my-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1

[profile admin]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = default

[profile signed-in]
login_session = arn:aws:iam::111122223333:user/me

[profile tool]
credential_process = /usr/local/bin/get-creds
[profile work]
region = us-west-2"""


@pytest.fixture
def files(tmp_path) -> AwsFiles:
    aws = tmp_path / ".aws"
    aws.mkdir()
    (aws / "credentials").write_text(CREDENTIALS)
    (aws / "config").write_text(CONFIG)
    return AwsFiles(aws / "config", aws / "credentials", {"endpoint_url": "http://127.0.0.1:4566"})


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_profiles_are_listed_with_their_kind_and_no_secret(files):
    found = {p.name: p for p in list_profiles(files)}
    assert {name: p.kind for name, p in found.items()} == {
        "default": "static keys",
        "work": "static keys",
        "temp": "temporary keys",
        "sso-dev": "IAM Identity Center (SSO)",
        "admin": "role",
        "signed-in": "short-lived (aws login)",
        "tool": "credential process",
    }
    assert found["default"].region == "eu-west-1"
    assert found["work"].access_key_id == "AKIA…MPLE"
    text = repr(list_profiles(files)) + "".join(p.describe() for p in list_profiles(files))
    assert OTHER_SECRET not in text and OTHER_ID not in text and "FwoGZXIvYXdzEJr" not in text


def test_no_files_means_no_profiles(tmp_path):
    assert list_profiles(AwsFiles(tmp_path / "config", tmp_path / "credentials")) == []


def test_saving_keeps_every_other_profile_and_comment_byte_for_byte(files):
    result = save_profile(files, "root-keys", PAIR, region="us-east-1")
    creds = files.credentials_file.read_text()
    config = files.config_file.read_text()
    assert creds.startswith(CREDENTIALS)
    assert creds[len(CREDENTIALS) :] == (
        f"\n[root-keys]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
    )
    assert config.startswith(CONFIG)
    assert config[len(CONFIG) :] == (
        "\n\n[profile root-keys]\nendpoint_url = http://127.0.0.1:4566\nregion = us-east-1\n"
    )
    for path in (files.credentials_file, files.config_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(result.backups) == 2
    assert {b.read_text() for b in result.backups} == {CREDENTIALS, CONFIG}
    assert all(stat.S_IMODE(b.stat().st_mode) == 0o600 for b in result.backups)
    assert saved_key_id(files, "root-keys") == "AKIA…MPLE"


def test_saving_into_no_files_creates_them_private(tmp_path):
    folder = tmp_path / "new" / ".aws"
    files = AwsFiles(folder / "config", folder / "credentials")
    result = save_profile(files, "root-keys", PAIR)
    assert result.backups == ()
    assert files.credentials_file.read_text() == (
        f"[root-keys]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
    )
    assert not files.config_file.exists()  # nothing to say in it: no region, no settings
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_saving_the_same_keys_again_changes_nothing(files):
    save_profile(files, "root-keys", PAIR, region="us-east-1")
    before = snapshot(files.config_file.parent)
    again = save_profile(files, "root-keys", PAIR, region="us-east-1")
    assert not again.changed
    assert again.lines() == ["Profile root-keys was already saved with these keys: nothing to change."]
    assert snapshot(files.config_file.parent) == before
    assert "nothing to change" in str(plan_save_profile(files, "root-keys", PAIR, region="us-east-1"))


def test_an_existing_profile_with_other_keys_is_refused(files):
    before = snapshot(files.config_file.parent)
    with pytest.raises(ProfileExistsError) as info:
        save_profile(files, "work", PAIR)
    assert str(info.value) == (
        "The profile work already exists and holds another key (AKIA…MPLE). To save this one, choose another "
        "profile name, or replace it ('Replace the profile if it exists' in the form; a backup of the file is "
        "kept); nothing was changed."
    )
    assert snapshot(files.config_file.parent) == before


def test_an_sso_profile_is_not_silently_given_keys(files):
    before = snapshot(files.config_file.parent)
    for name, kind in (("sso-dev", "IAM Identity Center (SSO)"), ("admin", "role"), ("tool", "credential process")):
        with pytest.raises(ProfileExistsError) as info:
            save_profile(files, name, PAIR, overwrite=True)
        assert str(info.value) == (
            f"The profile {name} already gets its credentials as {kind}; keys saved into it would be ignored. "
            "Choose another profile name (for example root-keys); nothing was changed."
        )
    assert snapshot(files.config_file.parent) == before


def test_overwrite_replaces_only_that_profiles_keys(files):
    result = save_profile(files, "work", PAIR, overwrite=True)
    expected = CREDENTIALS.replace(
        f"[work]\naws_access_key_id={OTHER_ID}\naws_secret_access_key={OTHER_SECRET}",
        f"[work]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}",
    )
    assert files.credentials_file.read_text() == expected
    assert result.backups[0].read_text() == CREDENTIALS


def test_set_as_default_writes_the_default_profile_too(tmp_path):
    files = AwsFiles(tmp_path / "config", tmp_path / "credentials", {"endpoint_url": "http://e"})
    save_profile(files, "root-keys", PAIR, region="eu-central-1", make_default=True)
    creds = files.credentials_file.read_text()
    assert f"[default]\naws_access_key_id = {KEY_ID}" in creds
    assert "[default]\nendpoint_url = http://e\nregion = eu-central-1\n" in files.config_file.read_text()


def test_set_as_default_refuses_to_replace_another_default(files):
    before = snapshot(files.config_file.parent)
    with pytest.raises(ProfileExistsError, match="The profile default already exists"):
        save_profile(files, "root-keys", PAIR, make_default=True)
    assert snapshot(files.config_file.parent) == before


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("", "The profile name is empty. Type a name such as root-keys."),
        ("root keys", "A profile name cannot contain spaces."),
        (" root-keys", "A profile name cannot contain spaces."),
        ("[root]", "A profile name cannot contain [ ]: brackets, '#', ';' and '=' would break the file."),
        ("root#1", "A profile name cannot contain #: brackets"),
        ("profile-x", "Choose a name that does not start with 'profile'"),
        ("DEFAULT", "DEFAULT cannot be a profile name: in these files a [DEFAULT] section is special"),
        ("Default", "Default cannot be a profile name: in these files a [DEFAULT] section is special"),
        ("AKIAIOSFODNN7EXAMPLE", "The profile name looks like an access key ID or a secret access key"),
        ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "The profile name looks like an access key ID or a secret"),
    ],
)
def test_bad_profile_names_are_refused_and_nothing_is_written(files, name, expected):
    before = snapshot(files.config_file.parent)
    with pytest.raises(WalkthroughError) as info:
        save_profile(files, name, PAIR)
    assert str(info.value).startswith(expected)
    assert snapshot(files.config_file.parent) == before


def test_good_profile_names():
    for name in ("root-keys", "aml-packt", "AML@Packt", "a.b_c+1", "default"):
        assert check_profile_name(name) == name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[default]\nregion = x\n[work]\na = 1\n[work]\nb = 2\n",
            "the section [work] appears twice (again at line 5 of {path})",
        ),
        ("[work]\na = 1\na = 2\n", "the setting 'a' appears twice in [work] (again at line 3 of {path})"),
        (
            f"aws_secret_access_key = {SECRET}\n[work]\n",
            "line 1 of {path} comes before any [section] header, so this is not an INI file",
        ),
        ("[work]\na = 1\n\njust some words\n", "line 4 of {path} is neither a [section]"),
    ],
)
def test_a_malformed_file_names_the_line_and_nothing_changes(files, text, expected):
    files.credentials_file.write_text(text)
    before = snapshot(files.config_file.parent)
    with pytest.raises(CredentialsFileError) as info:
        save_profile(files, "root-keys", PAIR)
    message = str(info.value)
    assert expected.format(path=files.credentials_file) in message
    assert message.endswith("nothing was changed.")
    assert SECRET not in message
    assert snapshot(files.config_file.parent) == before
    with pytest.raises(CredentialsFileError):
        plan_save_profile(files, "root-keys")


def test_a_read_only_credentials_file_is_left_alone(files):
    files.credentials_file.chmod(0o400)
    before = snapshot(files.config_file.parent)
    with pytest.raises(CredentialsFileError) as info:
        save_profile(files, "root-keys", PAIR, region="us-east-1")
    assert str(info.value) == (
        f"{files.credentials_file} is read-only. Make it writable (chmod u+w {files.credentials_file}) "
        "or save the profile yourself; nothing was changed."
    )
    assert snapshot(files.config_file.parent) == before
    files.credentials_file.chmod(0o600)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into any folder")
def test_a_read_only_folder_is_reported(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(CredentialsFileError, match="is not writable"):
            save_profile(AwsFiles(folder / "config", folder / "credentials"), "root-keys", PAIR)
    finally:
        folder.chmod(0o700)


def test_the_plan_names_files_and_profile_before_anything_is_written(files):
    before = snapshot(files.config_file.parent)
    plan = plan_save_profile(files, "root-keys", region="us-east-1")
    assert plan.lines() == [
        f"Would add profile root-keys (your access key and its secret in {files.credentials_file}).",
        f"Would add profile root-keys (endpoint_url, region in {files.config_file}).",
    ]
    assert f"A dated backup copy of {files.credentials_file} is made first." in plan.notes
    with_pair = plan_save_profile(files, "root-keys", PAIR)
    assert "access key AKIA…MPLE and its secret" in str(with_pair)
    assert SECRET not in repr(with_pair)
    assert snapshot(files.config_file.parent) == before


def test_the_plan_refuses_what_the_save_would_refuse(files):
    with pytest.raises(ProfileExistsError) as info:
        plan_save_profile(files, "work")
    assert str(info.value).startswith(
        "The profile work already exists with key AKIA…MPLE. Saving that same key again changes nothing; "
        "to save another key, choose another profile name"
    )
    files.credentials_file.chmod(0o444)
    try:
        with pytest.raises(CredentialsFileError, match="is read-only"):
            plan_save_profile(files, "root-keys")
    finally:
        files.credentials_file.chmod(0o600)


def test_boto3_reads_the_saved_profile_with_its_endpoint(files):
    from helpers import aws

    save_profile(files, "root-keys", PAIR, region="eu-west-1")
    session = aws.make_session(files, "root-keys")
    assert session.get_credentials().access_key == KEY_ID
    assert session.get_credentials().secret_key == SECRET
    assert session.region_name == "eu-west-1"
    assert session.client("sts").meta.endpoint_url == "http://127.0.0.1:4566"
    # The other profiles still read as before.
    assert aws.make_session(files, "work").get_credentials().access_key == OTHER_ID


def test_keys_kept_in_the_config_file_count_as_existing(tmp_path):
    files = AwsFiles(tmp_path / "config", tmp_path / "credentials")
    files.config_file.write_text(
        f"[profile cfg]\naws_access_key_id = {OTHER_ID}\naws_secret_access_key = {OTHER_SECRET}\n"
    )
    assert {p.name: p.kind for p in list_profiles(files)} == {"cfg": "static keys"}
    with pytest.raises(ProfileExistsError, match=r"holds another key \(AKIA…MPLE\)"):
        save_profile(files, "cfg", PAIR)
    assert not save_profile(files, "cfg", KeyPair(OTHER_ID, OTHER_SECRET)).changed


def test_profile_names_skip_non_profile_sections_and_an_unreadable_file(tmp_path):
    from helpers.credentials.profiles import profile_names

    files = AwsFiles(tmp_path / "config", tmp_path / "credentials")
    files.config_file.write_text("[default]\nregion = eu-west-1\n[profile work]\n[sso-session corp]\n")
    files.credentials_file.write_text("[root-keys]\naws_access_key_id = AKIAEXAMPLE\n")
    assert profile_names(files) == ["default", "root-keys", "work"]
    files.credentials_file.write_text("[root-keys\naws_secret_access_key = secret\n")  # broken: adds nothing
    assert profile_names(files) == ["default", "work"]
