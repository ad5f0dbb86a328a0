"""The sandbox's root user, seen from a separate process through plain boto3 profiles."""

from __future__ import annotations

import base64
import csv
import io
import stat
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from botocore.exceptions import ClientError

from helpers.errors import WalkthroughError
from helpers.sandbox import _totp, clock, console, files, process, scenarios
from tests.sandbox_support import client, code_of, keys_client, module_sandbox, read_rootkey, save_root_profile

sandbox = module_sandbox("sandbox-root")


@pytest.fixture
def fresh(sandbox):
    """A new account with the root's keys saved as profile root-keys (notebook 01 done)."""
    home, info = sandbox
    scenarios.reset("new-account", home=home)
    key_id, secret = save_root_profile(home, info.url)
    return home, info, key_id, secret


def summary(home, profile="root-keys") -> dict:
    return client(home, profile).get_account_summary()["SummaryMap"]


def root_row(home, profile="root-keys") -> dict:
    iam = client(home, profile)
    assert iam.generate_credential_report()["State"] in ("STARTED", "COMPLETE")
    report = iam.get_credential_report()
    assert (datetime.now(timezone.utc) - report["GeneratedTime"]) < timedelta(minutes=5)
    content = report["Content"].decode()
    rows = list(csv.DictReader(io.StringIO(content)))
    assert rows[0]["user"] == "<root_account>"
    return rows[0]


def test_new_account_hands_over_one_root_key_and_no_profile(sandbox):
    home, info = sandbox
    scenarios.reset("new-account", home=home)
    p = files.paths(home)
    text = p.rootkey_csv.read_text()
    assert text.startswith("AWSAccessKeyId=AKIA") and "\nAWSSecretKey=" in text
    assert stat.S_IMODE(p.rootkey_csv.stat().st_mode) == 0o600
    assert files.profile_names(p) == []
    state = console.root_state(home=home)
    assert [k["status"] for k in state["access_keys"]] == ["Active"]
    assert state["mfa_enabled"] is None
    key_id, secret = read_rootkey(home)
    iam = keys_client(info.url, key_id, secret)
    assert iam.list_users()["Users"] == []


def test_root_is_detected(fresh):
    home, info, _key_id, _secret = fresh
    who = client(home, "root-keys", "sts").get_caller_identity()
    assert who["Arn"] == f"arn:aws:iam::{info.account_id}:root"
    assert who["UserId"] == who["Account"] == info.account_id
    user = client(home, "root-keys").get_user()["User"]
    assert user["Arn"] == who["Arn"] and user["UserId"] == info.account_id


def test_root_signature_is_checked(fresh):
    home, info, key_id, secret = fresh
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    with pytest.raises(ClientError) as err:
        keys_client(info.url, key_id, wrong, "sts").get_caller_identity()
    assert code_of(err.value) == "SignatureDoesNotMatch"


def test_root_keys_listed_created_up_to_two(fresh):
    home, _info, key_id, _secret = fresh
    iam = client(home, "root-keys")
    listed = iam.list_access_keys()["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in listed] == [(key_id, "Active")]
    second = iam.create_access_key()["AccessKey"]
    assert second["AccessKeyId"].startswith("AKIA") and len(second["SecretAccessKey"]) == 40
    with pytest.raises(ClientError) as err:
        iam.create_access_key()
    assert code_of(err.value) == "LimitExceeded"
    assert len(iam.list_access_keys()["AccessKeyMetadata"]) == 2


def test_root_key_deactivated_then_deleted_is_refused(fresh):
    home, info, key_id, secret = fresh
    iam = client(home, "root-keys")
    second = iam.create_access_key()["AccessKey"]
    other = keys_client(info.url, second["AccessKeyId"], second["SecretAccessKey"])
    other.update_access_key(AccessKeyId=key_id, Status="Inactive")
    with pytest.raises(ClientError) as err:
        client(home, "root-keys", "sts").get_caller_identity()
    assert code_of(err.value) == "InvalidClientTokenId"
    other.update_access_key(AccessKeyId=key_id, Status="Active")
    assert client(home, "root-keys", "sts").get_caller_identity()["Arn"].endswith(":root")
    # The root's last act: delete the key it signs with.
    iam.delete_access_key(AccessKeyId=key_id)
    with pytest.raises(ClientError) as err:
        client(home, "root-keys").list_access_keys()
    assert code_of(err.value) == "InvalidClientTokenId"
    remaining = other.list_access_keys()["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in remaining] == [second["AccessKeyId"]]
    with pytest.raises(ClientError) as err:
        other.delete_access_key(AccessKeyId=key_id)
    assert code_of(err.value) == "NoSuchEntity"


def test_root_key_last_used(fresh):
    home, _info, key_id, _secret = fresh
    iam = client(home, "root-keys")
    iam.list_users()
    used = iam.get_access_key_last_used(AccessKeyId=key_id)
    assert used["AccessKeyLastUsed"]["ServiceName"] == "iam"
    assert used["AccessKeyLastUsed"]["Region"] == "us-east-1"
    assert "LastUsedDate" in used["AccessKeyLastUsed"]


def test_summary_flags_and_report_row_follow_the_root(fresh):
    home, info, key_id, _secret = fresh
    flags = summary(home)
    assert (flags["AccountAccessKeysPresent"], flags["AccountMFAEnabled"]) == (1, 0)
    row = root_row(home)
    assert row["arn"] == f"arn:aws:iam::{info.account_id}:root"
    assert row["password_enabled"] == "not_supported"
    assert row["password_last_changed"] == "not_supported"
    assert row["password_next_rotation"] == "not_supported"
    assert row["mfa_active"] == "false"
    assert row["access_key_1_active"] == "true"
    assert row["access_key_1_last_used_service"] in ("iam", "sts")
    assert row["access_key_2_active"] == "false" and row["access_key_2_last_rotated"] == "N/A"
    assert row["cert_1_active"] == "false" and row["cert_1_last_rotated"] == "N/A"

    device = console.create_root_mfa_device(home=home)
    console.enable_root_mfa(device.serial, *_totp.consecutive_codes(device.seed), home=home)
    flags = summary(home)
    assert flags["AccountMFAEnabled"] == 1
    assert root_row(home)["mfa_active"] == "true"
    devices = client(home, "root-keys").list_virtual_mfa_devices()["VirtualMFADevices"]
    root_devices = [d for d in devices if d["SerialNumber"] == device.serial]
    assert root_devices and root_devices[0]["User"]["Arn"] == f"arn:aws:iam::{info.account_id}:root"
    assert client(home, "root-keys").list_mfa_devices()["MFADevices"][0]["SerialNumber"] == device.serial

    client(home, "root-keys").delete_access_key(AccessKeyId=key_id)
    # An IAM user verifies from the API (notebook 05): the root now has no keys.
    scenarios_user = _make_reader(home, info)
    flags = summary(home, scenarios_user)
    assert (flags["AccountAccessKeysPresent"], flags["AccountMFAEnabled"]) == (0, 1)
    row = root_row(home, scenarios_user)
    assert row["access_key_1_active"] == "false" and row["access_key_1_last_rotated"] == "N/A"

    assert console.remove_root_mfa(home=home) is True
    assert summary(home, scenarios_user)["AccountMFAEnabled"] == 0


def _make_reader(home, info) -> str:
    """An IAM user with IAMReadOnlyAccess, saved as profile 'reader' (made while the root still can)."""
    state = console.root_state(home=home)
    assert not state["access_keys"]
    key = console.create_root_access_key(home=home)
    root = keys_client(info.url, key.access_key_id, key.secret_access_key)
    root.create_user(UserName="reader")
    root.attach_user_policy(UserName="reader", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    pair = root.create_access_key(UserName="reader")["AccessKey"]
    root.delete_access_key(AccessKeyId=key.access_key_id)
    files.write_profile(files.paths(home), "reader", pair["AccessKeyId"], pair["SecretAccessKey"], info.url)
    return "reader"


def test_root_mfa_codes_wrong_reused_right(sandbox):
    home, _info = sandbox
    scenarios.reset("new-account", home=home)
    device = console.create_root_mfa_device(home=home)
    serial, qr, seed = device
    assert qr.startswith(b"\x89PNG\r\n\x1a\n")
    assert seed not in repr(device) and seed not in str(device)
    now = time.time()
    totp = pyotp.TOTP(seed)
    with pytest.raises(WalkthroughError, match="not valid"):
        console.enable_root_mfa(serial, "000000", "000000", home=home)
    # Two codes that are not consecutive (the same code twice) are refused.
    code = totp.at(now)
    with pytest.raises(WalkthroughError, match="not valid"):
        console.enable_root_mfa(serial, code, code, home=home)
    code1, code2 = _totp.consecutive_codes(seed, now)
    console.enable_root_mfa(serial, code1, code2, home=home)
    assert console.root_state(home=home)["mfa_serial"] == serial
    with pytest.raises(WalkthroughError, match="already has an MFA device"):
        console.create_root_mfa_device(home=home)


def test_root_mfa_reused_codes_are_refused(sandbox):
    home, _info = sandbox
    scenarios.reset("new-account", home=home)
    device = console.create_root_mfa_device(home=home)
    code1, code2 = _totp.consecutive_codes(device.seed)
    console.enable_root_mfa(device.serial, code1, code2, home=home)
    console.remove_root_mfa(home=home)
    # A new device gets a new seed; try to enable it with the old device's codes.
    device2 = console.create_root_mfa_device(home=home)
    with pytest.raises(WalkthroughError):
        console.enable_root_mfa(device2.serial, code1, code2, home=home)


def test_console_key_repr_masks_the_secret(sandbox):
    home, _info = sandbox
    scenarios.reset("new-account", home=home)
    key = console.create_root_access_key(home=home)
    assert key.secret_access_key not in repr(key) and key.secret_access_key not in str(key)
    with pytest.raises(WalkthroughError, match="two access keys"):
        console.create_root_access_key(home=home)


def test_qr_code_png_of_a_users_virtual_device_is_real(fresh):
    home, _info, _key_id, _secret = fresh
    made = client(home, "root-keys").create_virtual_mfa_device(VirtualMFADeviceName="phone")["VirtualMFADevice"]
    assert made["QRCodePNG"].startswith(b"\x89PNG\r\n\x1a\n")
    seed = made["Base32StringSeed"].decode()
    assert base64.b32decode(seed)  # a real Base32 seed an authenticator can use


def test_console_undoes_a_deactivated_only_root_key_and_deletes_keys(fresh):
    home, _info, key_id, _secret = fresh
    client(home, "root-keys").update_access_key(AccessKeyId=key_id, Status="Inactive")
    with pytest.raises(ClientError) as err:
        client(home, "root-keys").list_access_keys()
    assert code_of(err.value) == "InvalidClientTokenId"
    console.set_root_access_key_status(key_id, "Active", home=home)
    assert client(home, "root-keys", "sts").get_caller_identity()["Arn"].endswith(":root")
    console.delete_root_access_key(key_id, home=home)
    assert console.root_state(home=home)["access_keys"] == []
    with pytest.raises(WalkthroughError, match="no access key"):
        console.delete_root_access_key(key_id, home=home)
    with pytest.raises(ClientError) as err:
        client(home, "root-keys", "sts").get_caller_identity()
    assert code_of(err.value) == "InvalidClientTokenId"


def test_the_clock_offset_needs_the_token_and_moves_every_code_check(sandbox):
    home, info = sandbox
    scenarios.reset("new-account", home=home)
    for token in (None, "not-the-token"):
        request = urllib.request.Request(
            f"{info.url}/_sandbox/clock",
            data=b'{"advance": 3600}',
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        if token:
            request.add_header("X-Aml-Sandbox-Token", token)
        with pytest.raises(urllib.error.HTTPError) as err:
            process.LOCAL_OPENER.open(request, timeout=10)
        assert err.value.code == 403
    assert clock.SandboxClock(home).offset() == 0.0
    with pytest.raises(WalkthroughError, match="number of seconds"):
        clock.set_offset("soon", home=home)
    # With the token, an hour ahead: codes of the account's hour are accepted, the machine's are not.
    assert clock.set_offset(3600, home=home) == 3600.0
    assert clock.SandboxClock(home).offset() == 3600.0
    device = console.create_root_mfa_device(home=home)
    with pytest.raises(WalkthroughError, match="not valid"):
        console.enable_root_mfa(device.serial, *_totp.consecutive_codes(device.seed), home=home)
    console.enable_root_mfa(device.serial, *_totp.consecutive_codes(device.seed, time.time() + 3600), home=home)
    assert console.root_state(home=home)["mfa_enabled"] > datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    scenarios.reset("new-account", home=home)  # a reset puts the clock back
    assert clock.SandboxClock(home).offset() == 0.0
