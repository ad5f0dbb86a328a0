"""Where the sandbox is stricter than moto: the rules the lesson depends on, as AWS words them."""

from __future__ import annotations

import pyotp
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers.sandbox import _totp, scenarios
from tests.sandbox_support import client, code_of, keys_client, private_sandbox
from tests.sandbox_support import session as sandbox_session

STRONG = "Correct-Horse-Battery-9"
INLINE = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}'


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    home = tmp_path_factory.mktemp("sandbox-iam")
    with private_sandbox(home) as info:
        scenarios.reset(at="03", home=home)
        yield home, info


@pytest.fixture
def root(sandbox):
    home, _info = sandbox
    return client(home, "root-keys")


def refused(call, code: str, **kwargs) -> str:
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    assert code_of(err.value) == code, err.value.response["Error"]
    return err.value.response["Error"]["Message"]


@pytest.mark.parametrize("name", ["has space", "slash/name", "x" * 65, "colon:name", "ünï"])
def test_invalid_user_names_are_refused(root, name):
    message = refused(root.create_user, "ValidationError", UserName=name)
    assert "userName" in message


@pytest.mark.parametrize("name", ["a", "x" * 64, "first.last@example.com", "A_b-c+d=e,f"])
def test_valid_user_names_are_accepted(root, name):
    made = root.create_user(UserName=name)["User"]
    assert made["UserName"] == name and made["Arn"].endswith(f":user/{name}")
    assert root.get_user(UserName=name)["User"]["UserName"] == name
    root.delete_user(UserName=name)


def test_user_names_are_unique_regardless_of_case(root):
    message = refused(root.create_user, "EntityAlreadyExists", UserName="aml@packt")
    assert message == "User with name aml@packt already exists."
    root.create_user(UserName="renamed")
    refused(root.update_user, "EntityAlreadyExists", UserName="renamed", NewUserName="AML@PACKT")
    refused(root.update_user, "ValidationError", UserName="renamed", NewUserName="bad name")
    root.delete_user(UserName="renamed")


def test_delete_user_conflicts_until_everything_is_gone(root):
    root.create_user(UserName="temp")
    root.create_access_key(UserName="temp")
    key_id = root.list_access_keys(UserName="temp")["AccessKeyMetadata"][0]["AccessKeyId"]
    root.create_login_profile(UserName="temp", Password="Aa1!" + "x" * 12)
    root.add_user_to_group(UserName="temp", GroupName="aml-packt-users")
    root.attach_user_policy(UserName="temp", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    root.put_user_policy(UserName="temp", PolicyName="inline", PolicyDocument=INLINE)
    device = root.create_virtual_mfa_device(VirtualMFADeviceName="temp-phone")["VirtualMFADevice"]
    code1, code2 = _totp.consecutive_codes(device["Base32StringSeed"].decode())
    root.enable_mfa_device(
        UserName="temp", SerialNumber=device["SerialNumber"], AuthenticationCode1=code1, AuthenticationCode2=code2
    )
    steps = [
        ("login profile", lambda: root.delete_login_profile(UserName="temp")),
        ("access keys", lambda: root.delete_access_key(UserName="temp", AccessKeyId=key_id)),
        ("MFA device", lambda: root.deactivate_mfa_device(UserName="temp", SerialNumber=device["SerialNumber"])),
        ("from group", lambda: root.remove_user_from_group(UserName="temp", GroupName="aml-packt-users")),
        (
            "detach all policies",
            lambda: root.detach_user_policy(UserName="temp", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess"),
        ),
        ("delete policies", lambda: root.delete_user_policy(UserName="temp", PolicyName="inline")),
    ]
    for words, undo in steps:
        message = refused(root.delete_user, "DeleteConflict", UserName="temp")
        assert words in message
        undo()
    root.delete_user(UserName="temp")
    refused(root.get_user, "NoSuchEntity", UserName="temp")


def test_password_policy_applies_to_console_passwords(root):
    root.create_user(UserName="pw-user")
    message = refused(root.create_login_profile, "PasswordPolicyViolation", UserName="pw-user", Password="Short1!")
    assert "minimum length of 14" in message
    message = refused(
        root.create_login_profile, "PasswordPolicyViolation", UserName="pw-user", Password="alllowercase-and-long-1"
    )
    assert "uppercase" in message
    root.create_login_profile(UserName="pw-user", Password=STRONG)
    message = refused(
        root.update_login_profile, "PasswordPolicyViolation", UserName="pw-user", Password="NoSymbols12345X"
    )
    assert "symbol" in message
    root.delete_login_profile(UserName="pw-user")
    root.delete_user(UserName="pw-user")


def test_user_mfa_needs_two_consecutive_valid_codes(root):
    root.create_user(UserName="mfa-user")
    device = root.create_virtual_mfa_device(VirtualMFADeviceName="mfa-user")["VirtualMFADevice"]
    serial, seed = device["SerialNumber"], device["Base32StringSeed"].decode()
    assert device["QRCodePNG"].startswith(b"\x89PNG")
    enable = root.enable_mfa_device
    message = refused(
        enable, "InvalidAuthenticationCode", UserName="mfa-user", SerialNumber=serial,
        AuthenticationCode1="123456", AuthenticationCode2="654321",
    )  # fmt: skip
    assert "not valid" in message
    same = pyotp.TOTP(seed).now()
    refused(
        enable, "InvalidAuthenticationCode", UserName="mfa-user", SerialNumber=serial,
        AuthenticationCode1=same, AuthenticationCode2=same,
    )  # fmt: skip
    code1, code2 = _totp.consecutive_codes(seed)
    enable(UserName="mfa-user", SerialNumber=serial, AuthenticationCode1=code1, AuthenticationCode2=code2)
    assert root.list_mfa_devices(UserName="mfa-user")["MFADevices"][0]["SerialNumber"] == serial
    root.deactivate_mfa_device(UserName="mfa-user", SerialNumber=serial)
    # The same two codes again (a replay) are refused.
    refused(
        enable, "InvalidAuthenticationCode", UserName="mfa-user", SerialNumber=serial,
        AuthenticationCode1=code1, AuthenticationCode2=code2,
    )  # fmt: skip
    root.delete_virtual_mfa_device(SerialNumber=serial)
    root.delete_user(UserName="mfa-user")


def test_an_unprivileged_user_gets_access_denied(sandbox):
    home, _info = sandbox
    user = client(home, "aml-packt")
    assert user.list_users()["Users"]  # IAMReadOnlyAccess: reading is allowed
    assert user.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 1
    message = refused(user.create_user, "AccessDenied", UserName="sneaky")
    assert "iam:CreateUser" in message
    # AWS checks permission before input: no hint that the name is taken or malformed.
    refused(user.create_user, "AccessDenied", UserName="aml@packt")
    refused(user.create_user, "AccessDenied", UserName="bad name")
    refused(user.delete_user, "AccessDenied", UserName="AML@Packt")
    refused(user.attach_user_policy, "AccessDenied", UserName="AML@Packt",
            PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")  # fmt: skip
    # A JSON service's refusal arrives in its own shape (moto writes XML), so boto3 names the code.
    athena = client(home, "aml-packt", "athena")
    assert "athena:ListWorkGroups" in refused(athena.list_work_groups, "AccessDeniedException")
    # S3 is in the group's policies.
    s3 = client(home, "aml-packt", "s3")
    s3.create_bucket(Bucket="aml-packt-data")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["aml-packt-data"]


def test_the_root_may_do_everything(sandbox):
    home, _info = sandbox
    s3 = client(home, "root-keys", "s3")
    s3.create_bucket(Bucket="root-bucket")
    s3.put_object(Bucket="root-bucket", Key="k", Body=b"data")
    assert s3.get_object(Bucket="root-bucket", Key="k")["Body"].read() == b"data"
    assert client(home, "root-keys", "sts").get_caller_identity()["Arn"].endswith(":root")


def test_inactive_and_unknown_user_keys_are_refused(sandbox, root):
    _home, info = sandbox
    root.create_user(UserName="keyed")
    pair = root.create_access_key(UserName="keyed")["AccessKey"]
    root.attach_user_policy(UserName="keyed", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    own = keys_client(info.url, pair["AccessKeyId"], pair["SecretAccessKey"])
    own.list_users()
    root.update_access_key(UserName="keyed", AccessKeyId=pair["AccessKeyId"], Status="Inactive")
    refused(own.list_users, "InvalidClientTokenId")
    root.update_access_key(UserName="keyed", AccessKeyId=pair["AccessKeyId"], Status="Active")
    own.list_users()
    unknown = keys_client(info.url, "AKIAAAAAAAAAAAAAAAAA", "x" * 40)
    refused(unknown.list_users, "InvalidClientTokenId")


def test_an_empty_user_name_is_refused_by_the_server_too(sandbox):
    home, _info = sandbox
    raw = sandbox_session(home, "root-keys").client(
        "iam", config=Config(parameter_validation=False, retries={"max_attempts": 1})
    )
    refused(raw.create_user, "ValidationError", UserName="")


def test_login_profile_reset_flag_and_password_survive_updates(sandbox, root):
    home, info = sandbox
    root.create_user(UserName="newbie")
    made = root.create_login_profile(UserName="newbie", Password=STRONG, PasswordResetRequired=True)
    assert made["LoginProfile"]["PasswordResetRequired"] is True
    assert root.get_login_profile(UserName="newbie")["LoginProfile"]["PasswordResetRequired"] is True
    root.update_login_profile(UserName="newbie", PasswordResetRequired=False)  # no password given: kept
    assert root.get_login_profile(UserName="newbie")["LoginProfile"]["PasswordResetRequired"] is False
    root.update_login_profile(UserName="newbie", PasswordResetRequired=True)
    pair = root.create_access_key(UserName="newbie")["AccessKey"]
    own = keys_client(info.url, pair["AccessKeyId"], pair["SecretAccessKey"])
    refused(own.change_password, "AccessDenied", OldPassword=STRONG, NewPassword=STRONG + "-new")
    root.attach_user_policy(UserName="newbie", PolicyArn="arn:aws:iam::aws:policy/IAMUserChangePassword")
    refused(own.change_password, "PasswordPolicyViolation", OldPassword=STRONG, NewPassword="weak")
    own.change_password(OldPassword=STRONG, NewPassword=STRONG + "-new")
    assert root.get_login_profile(UserName="newbie")["LoginProfile"]["PasswordResetRequired"] is False


def test_an_admin_user_gets_the_same_rules_as_the_root(sandbox, root):
    _home, info = sandbox
    root.create_user(UserName="admin")
    root.attach_user_policy(UserName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    pair = root.create_access_key(UserName="admin")["AccessKey"]
    admin = keys_client(info.url, pair["AccessKeyId"], pair["SecretAccessKey"])
    refused(admin.create_user, "ValidationError", UserName="bad name")
    refused(admin.create_user, "EntityAlreadyExists", UserName="ADMIN")
    refused(admin.delete_user, "DeleteConflict", UserName="admin")
    assert admin.create_user(UserName="made-by-admin")["User"]["UserName"] == "made-by-admin"
    admin.delete_user(UserName="made-by-admin")
