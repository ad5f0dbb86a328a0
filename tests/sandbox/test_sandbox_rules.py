"""The sandbox's rules: TOTP pairs, password policy sentences, the report row (pure, on a fixed clock);
and, against a private sandbox, ``${aws:username}`` for IAM users' MFA self-service actions."""

from __future__ import annotations

import csv
import io
import time

import pyotp
import pytest
from botocore.exceptions import ClientError

from helpers.mfa.policies import require_mfa_policy
from helpers.sandbox import _totp, scenarios
from helpers.sandbox.root import (
    AccountState,
    RootLayer,
    otpauth_uri,
    password_problems,
    policy,
    qr_png,
    root_user,
    signing,
)
from tests.sandbox_support import client, code_of, keys_client, module_sandbox

SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_000.0  # a fixed clock: step 60,000,000


def codes(step: int) -> tuple[str, str]:
    totp = pyotp.TOTP(SEED)
    return totp.at(step * 30), totp.at((step + 1) * 30)


def test_two_consecutive_codes_are_accepted_and_name_their_step():
    step = int(NOW // 30)
    assert _totp.matching_step(SEED, *codes(step - 1), now=NOW) == step
    assert _totp.consecutive_codes(SEED, now=NOW) == codes(step - 1)


def test_wrong_swapped_stale_and_reused_codes_are_refused():
    step = int(NOW // 30)
    first, second = codes(step - 1)
    assert _totp.matching_step(SEED, "000000", "000000", now=NOW) is None
    assert _totp.matching_step(SEED, second, first, now=NOW) is None
    assert _totp.matching_step(SEED, *codes(step - 20), now=NOW) is None  # ten minutes old
    assert _totp.matching_step(SEED, first, second, after_step=step, now=NOW) is None  # already used


def test_a_slow_learner_within_the_window_is_accepted():
    step = int(NOW // 30)
    assert _totp.matching_step(SEED, *codes(step - 3), now=NOW) == step - 2


def test_password_policy_sentences_name_the_rule():
    cis = {
        "MinimumPasswordLength": "14",
        "RequireSymbols": "true",
        "RequireNumbers": "true",
        "RequireUppercaseCharacters": "true",
        "RequireLowercaseCharacters": "true",
    }
    assert password_problems("Correct-Horse-Battery-9", cis) == []
    assert password_problems("short", cis) == [
        "Password should have a minimum length of 14",
        "Password should have at least one uppercase letter",
        "Password should have at least one number",
        "Password should have at least one symbol",
    ]
    # No policy: AWS's default (8 characters, three of four kinds).
    assert password_problems("abcdefgh", None)
    assert password_problems("Abcdefg1", None) == []


def test_root_report_row_has_aws_values():
    layer = RootLayer(app=None, account_id="381492058731", token="t", enable_auth=None, disable_auth=None)
    row = next(csv.reader(io.StringIO(root_user.report_row(layer))))
    assert len(row) == 22
    assert row[:2] == ["<root_account>", "arn:aws:iam::381492058731:root"]
    assert row[3] == "not_supported" and row[5] == "not_supported" and row[6] == "not_supported"
    assert row[7:9] == ["false", "false"] and row[9:13] == ["N/A"] * 4
    key = root_user.create_key(layer)
    row = next(csv.reader(io.StringIO(root_user.report_row(layer))))
    assert row[8] == "true" and row[9] != "N/A" and row[10] == "N/A"
    assert key.secret not in root_user.report_row(layer) and key.secret not in repr(key)


def test_the_evaluator_reads_mfa_conditions_and_any_other_condition_the_strict_way():
    allow_all = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    require_mfa = require_mfa_policy(("iam:List*",))
    for context, allowed in (({}, False), ({policy.MFA_PRESENT: "false"}, False), ({policy.MFA_PRESENT: "true"}, True)):
        assert policy.allowed([allow_all, require_mfa], "u", "iam:ListUsers", "*", context) is allowed
    assert policy.allowed([allow_all, require_mfa], "u", "iam:GetUser", "*", {}) is True
    from_office = {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}  # not evaluated by the sandbox
    allow_if = {"Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*", "Condition": from_office}]}
    deny_if = {"Statement": [{"Effect": "Deny", "Action": "iam:ListUsers", "Resource": "*", "Condition": from_office}]}
    assert policy.allowed([allow_if], "u", "iam:ListUsers", "*") is False  # an Allow it cannot read allows nothing
    assert policy.allowed([allow_all, deny_if], "u", "iam:ListUsers", "*") is False  # a Deny it cannot read denies
    assert policy.allowed([allow_all, deny_if], "u", "iam:ListRoles", "*") is True


def test_the_root_answers_only_self_actions_itself():
    assert root_user.ROOT_SELF_ACTIONS <= signing.SELF_ACTIONS
    assert "ListAccessKeys" in root_user.ROOT_SELF_ACTIONS and "GetLoginProfile" not in root_user.ROOT_SELF_ACTIONS


def test_a_reset_replaces_the_whole_account_state_and_old_saved_states_still_load():
    layer = RootLayer(app=None, account_id="381492058731", token="t", enable_auth=None, disable_auth=None)
    root_user.create_key(layer)
    layer.account.clock_offset, layer.account.mfa_seeds["serial"] = 90.0, SEED
    saved = layer.saved_state()
    layer.reset("checkpoint-04", wipe=False)
    assert layer.account == AccountState(scenario="checkpoint-04", root=layer.account.root)
    assert layer.account.root.keys == [] and layer.clock() - time.time() < 1
    assert len(layer.issued_secrets) == 1  # kept by a reset, for the leak search
    old = {k: v for k, v in saved.items() if k != "clock_offset"}  # a file from before the clock offset
    layer.load_saved_state({**old, "a_field_from_the_future": 1})
    assert layer.account.clock_offset == 0.0 and layer.account.mfa_seeds == {"serial": SEED}
    assert [k.key_id for k in layer.account.root.keys] == [k["key_id"] for k in saved["root"]["keys"]]


def test_qr_png_encodes_the_otpauth_uri():
    uri = otpauth_uri("root-account-mfa-device", "381492058731", SEED)
    assert uri.startswith("otpauth://totp/root-account-mfa-device@381492058731?secret=" + SEED)
    assert qr_png(uri).startswith(b"\x89PNG\r\n\x1a\n")


# ---------------------------------------------------------------- ${aws:username} for MFA self-service
# moto matches policy Resources against "*" only; the layer decides these actions itself after
# moto's AccessDenied, from the user's policies with ${aws:username} filled in.


mfa_sandbox = module_sandbox("sandbox-mfa-rules")


@pytest.fixture
def at03(mfa_sandbox):
    home, info = mfa_sandbox
    scenarios.reset(at="03", home=home)  # the group carries aml-packt-self-service-mfa
    root = client(home, "root-keys")
    root.create_user(UserName="someone-else")
    return home, info, root


def _enable_codes(seed: bytes | str) -> tuple[str, str]:
    totp = pyotp.TOTP(seed.decode() if isinstance(seed, bytes) else seed)
    now = time.time()  # the previous step and the current one: the next code stays fresh for an MFA session
    return totp.at(now - 30), totp.at(now)


def test_own_device_is_created_enabled_listed_deactivated_and_deleted(at03):
    home, info, _root = at03
    iam = client(home, "aml-packt")
    made = iam.create_virtual_mfa_device(VirtualMFADeviceName="AML-Packt-phone")["VirtualMFADevice"]
    serial = made["SerialNumber"]
    assert serial == f"arn:aws:iam::{info.account_id}:mfa/AML-Packt-phone"
    code1, code2 = _enable_codes(made["Base32StringSeed"])
    iam.enable_mfa_device(
        UserName="AML@Packt", SerialNumber=serial, AuthenticationCode1=code1, AuthenticationCode2=code2
    )
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="AML@Packt")["MFADevices"]] == [serial]
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert serial in [d["SerialNumber"] for d in assigned]
    # Deactivating its own device with plain long-term keys: refused, as on AWS (the MFA rule is on by default).
    with pytest.raises(ClientError) as err:
        iam.deactivate_mfa_device(UserName="AML@Packt", SerialNumber=serial)
    assert code_of(err.value) == "AccessDenied"
    seed = made["Base32StringSeed"]
    next_code = pyotp.TOTP(seed.decode() if isinstance(seed, bytes) else seed).at(time.time() + 30)
    creds = client(home, "aml-packt", "sts").get_session_token(SerialNumber=serial, TokenCode=next_code)["Credentials"]
    signed_in = keys_client(info.url, creds["AccessKeyId"], creds["SecretAccessKey"], token=creds["SessionToken"])
    signed_in.deactivate_mfa_device(UserName="AML@Packt", SerialNumber=serial)
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert iam.list_mfa_devices(UserName="AML@Packt")["MFADevices"] == []


def test_another_users_devices_are_refused(at03):
    home, info, root = at03
    theirs = root.create_virtual_mfa_device(VirtualMFADeviceName="their-phone")["VirtualMFADevice"]
    code1, code2 = _enable_codes(theirs["Base32StringSeed"])
    iam = client(home, "aml-packt")
    with pytest.raises(ClientError) as err:
        iam.enable_mfa_device(
            UserName="someone-else",
            SerialNumber=theirs["SerialNumber"],
            AuthenticationCode1=code1,
            AuthenticationCode2=code2,
        )
    assert code_of(err.value) == "AccessDenied"
    root.enable_mfa_device(
        UserName="someone-else",
        SerialNumber=theirs["SerialNumber"],
        AuthenticationCode1=code1,
        AuthenticationCode2=code2,
    )
    for call, kwargs in (
        (iam.deactivate_mfa_device, {"UserName": "someone-else", "SerialNumber": theirs["SerialNumber"]}),
        (
            iam.resync_mfa_device,
            {
                "UserName": "someone-else",
                "SerialNumber": theirs["SerialNumber"],
                "AuthenticationCode1": "123456",
                "AuthenticationCode2": "654321",
            },
        ),
    ):
        with pytest.raises(ClientError) as err:
            call(**kwargs)
        assert code_of(err.value) == "AccessDenied", kwargs
    listed = root.list_mfa_devices(UserName="someone-else")["MFADevices"]
    assert [d["SerialNumber"] for d in listed] == [theirs["SerialNumber"]]  # still enabled


def test_without_the_policy_and_with_a_bad_signature_it_is_refused(at03):
    home, info, root = at03
    root.detach_group_policy(
        GroupName="aml-packt-users", PolicyArn=f"arn:aws:iam::{info.account_id}:policy/aml-packt-self-service-mfa"
    )
    iam = client(home, "aml-packt")
    with pytest.raises(ClientError) as err:
        iam.create_virtual_mfa_device(VirtualMFADeviceName="AML-Packt-phone")
    assert code_of(err.value) == "AccessDenied"
    root.attach_group_policy(
        GroupName="aml-packt-users", PolicyArn=f"arn:aws:iam::{info.account_id}:policy/aml-packt-self-service-mfa"
    )
    key_id = client(home, "aml-packt").list_access_keys(UserName="AML@Packt")["AccessKeyMetadata"][0]["AccessKeyId"]
    forged = keys_client(info.url, key_id, "not-the-secret-" + "x" * 25)
    with pytest.raises(ClientError) as err:
        forged.create_virtual_mfa_device(VirtualMFADeviceName="AML-Packt-phone")
    assert code_of(err.value) == "SignatureDoesNotMatch"
    assert root.list_virtual_mfa_devices()["VirtualMFADevices"] == []
