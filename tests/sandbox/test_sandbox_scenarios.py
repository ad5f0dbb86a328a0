"""Every scenario and checkpoint, as the next notebook finds it; and a log that holds no secret."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from helpers.errors import WalkthroughError
from helpers.sandbox import console, files, scenarios
from helpers.status.checks import run_checks
from helpers.status.snapshot import take_snapshot
from tests.sandbox_support import client, code_of, module_sandbox, read_rootkey, session

SEEN_SECRETS: set[str] = set()


sandbox = module_sandbox("sandbox-scenarios")


def remember_secrets(home) -> None:
    """Every secret the scenario wrote to a file: none of them may appear in the server's log."""
    p = files.paths(home)
    if p.rootkey_csv.exists():
        SEEN_SECRETS.add(read_rootkey(home)[1])
    for match in re.finditer(r"aws_secret_access_key = (\S+)", p.credentials.read_text()):
        SEEN_SECRETS.add(match.group(1))


def flags(home, profile) -> tuple[int, int]:
    summary = client(home, profile).get_account_summary()["SummaryMap"]
    return summary["AccountAccessKeysPresent"], summary["AccountMFAEnabled"]


@pytest.mark.parametrize("nn", ["00", "01"])
def test_checkpoints_00_01_are_a_new_account(sandbox, nn):
    home, _info = sandbox
    info = scenarios.reset(at=nn, home=home)
    remember_secrets(home)
    assert info.scenario == f"checkpoint-{nn}"
    assert files.profile_names(files.paths(home)) == []
    state = console.root_state(home=home)
    assert [k["status"] for k in state["access_keys"]] == ["Active"] and state["mfa_enabled"] is None


def test_checkpoint_02_saves_the_root_keys(sandbox):
    home, info = sandbox
    scenarios.reset(at="02", home=home)
    remember_secrets(home)
    assert files.profile_names(files.paths(home)) == ["root-keys"]
    assert client(home, "root-keys", "sts").get_caller_identity()["Arn"] == f"arn:aws:iam::{info.account_id}:root"
    assert client(home, "root-keys").list_users()["Users"] == []


def test_checkpoint_03_has_aml_packt_with_its_group_and_policies(sandbox):
    home, info = sandbox
    scenarios.reset(at="03", home=home)
    remember_secrets(home)
    assert files.profile_names(files.paths(home)) == ["root-keys", "aml-packt"]
    me = client(home, "aml-packt", "sts").get_caller_identity()
    assert me["Arn"] == f"arn:aws:iam::{info.account_id}:user/AML@Packt"
    iam = client(home, "aml-packt")  # IAMReadOnlyAccess lets the user verify all this itself
    groups = iam.list_groups_for_user(UserName="AML@Packt")["Groups"]
    assert [g["GroupName"] for g in groups] == ["aml-packt-users"]
    attached = iam.list_attached_group_policies(GroupName="aml-packt-users")["AttachedPolicies"]
    assert sorted(p["PolicyName"] for p in attached) == sorted(
        [*scenarios.GROUP_POLICIES, "aml-packt-self-service-mfa"]
    )
    own = next(p["PolicyArn"] for p in attached if p["PolicyName"] == "aml-packt-self-service-mfa")
    assert own == f"arn:aws:iam::{info.account_id}:policy/aml-packt-self-service-mfa"
    assert iam.get_login_profile(UserName="AML@Packt")["LoginProfile"]["PasswordResetRequired"] is True
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 14 and policy["PasswordReusePrevention"] == 24
    assert all(policy[k] for k in ("RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters"))
    assert flags(home, "aml-packt") == (1, 0)


def test_checkpoint_04_has_no_root_keys(sandbox):
    home, _info = sandbox
    scenarios.reset(at="04", home=home)
    remember_secrets(home)
    p = files.paths(home)
    assert files.profile_names(p) == ["aml-packt"]
    assert "root-keys" not in p.config.read_text()
    assert not p.rootkey_csv.exists()
    assert flags(home, "aml-packt") == (0, 0)
    assert console.root_state(home=home)["access_keys"] == []


@pytest.mark.parametrize("nn", ["05", "06"])
def test_checkpoints_05_06_have_root_mfa(sandbox, nn):
    home, info = sandbox
    scenarios.reset(at=nn, home=home)
    remember_secrets(home)
    assert flags(home, "aml-packt") == (0, 1)
    devices = client(home, "aml-packt").list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert sorted(d["User"]["Arn"] for d in devices) == [
        f"arn:aws:iam::{info.account_id}:root",
        f"arn:aws:iam::{info.account_id}:user/AML@Packt",
    ]
    own = client(home, "aml-packt").list_mfa_devices(UserName="AML@Packt")["MFADevices"]
    assert [d["SerialNumber"] for d in own] == [f"arn:aws:iam::{info.account_id}:mfa/AML-Packt-phone"]
    iam = client(home, "aml-packt")
    iam.generate_credential_report()
    rows = list(csv.DictReader(io.StringIO(iam.get_credential_report()["Content"].decode())))
    root = rows[0]
    assert (root["user"], root["mfa_active"], root["access_key_1_active"]) == ("<root_account>", "true", "false")
    assert [(r["user"], r["password_enabled"], r["mfa_active"]) for r in rows[1:]] == [("AML@Packt", "true", "true")]
    # Notebook 05 after a lesson run: AML@Packt has a console password and MFA, so the check passes.
    findings = run_checks(take_snapshot(session(home, "aml-packt")), ["iam_user_mfa_enabled_console_access"])
    assert findings and all(f.status == "PASS" for f in findings), findings
    assert any("AML@Packt has a console password and MFA enabled" in f.message for f in findings), findings


def test_messy_account_has_every_audit_finding(sandbox):
    home, _info = sandbox
    scenarios.reset("messy-account", home=home)
    remember_secrets(home)
    iam = client(home, "root-keys")
    with pytest.raises(ClientError) as err:
        iam.get_account_password_policy()
    assert code_of(err.value) == "NoSuchEntity"
    iam.generate_credential_report()
    rows = {r["user"]: r for r in csv.DictReader(io.StringIO(iam.get_credential_report()["Content"].decode()))}
    now = datetime.now(timezone.utc)
    root = rows["<root_account>"]
    assert root["access_key_1_active"] == "true" and root["mfa_active"] == "false"
    assert now - datetime.fromisoformat(root["access_key_1_last_used_date"]) < timedelta(hours=1)
    analyst = rows["data-analyst"]
    assert analyst["password_enabled"] == "true" and analyst["mfa_active"] == "false"
    assert iam.list_attached_user_policies(UserName="data-analyst")["AttachedPolicies"]
    rotated = datetime.fromisoformat(rows["etl-job"]["access_key_1_last_rotated"])
    assert timedelta(days=99) < now - rotated < timedelta(days=101)
    created = iam.list_access_keys(UserName="etl-job")["AccessKeyMetadata"][0]["CreateDate"]
    assert timedelta(days=99) < now - created < timedelta(days=101)
    keys = iam.list_access_keys(UserName="ci-deploy")["AccessKeyMetadata"]
    assert [k["Status"] for k in keys] == ["Active", "Active"]


def test_unknown_names_list_the_valid_ones(sandbox):
    home, _info = sandbox
    with pytest.raises(WalkthroughError, match="new-account, messy-account"):
        scenarios.reset("brand-new", home=home)
    with pytest.raises(WalkthroughError, match="00, 01, 02, 03, 04, 05, 06"):
        scenarios.reset(at="7", home=home)
    assert scenarios.scenario_name(at="3") == "checkpoint-03"


def test_reset_converges_when_run_twice(sandbox):
    home, _info = sandbox
    scenarios.reset(at="03", home=home)
    scenarios.reset(at="03", home=home)
    remember_secrets(home)
    users = client(home, "aml-packt").list_users()["Users"]
    assert [u["UserName"] for u in users] == ["AML@Packt"]


def test_the_server_log_holds_no_secret(sandbox):
    home, _info = sandbox
    device = console.create_root_mfa_device(home=home)
    SEEN_SECRETS.add(device.seed)
    text = files.paths(home).log.read_text()
    assert "iam:CreateAccessKey" in text  # the log is written: requests are named, nothing else
    assert len(SEEN_SECRETS) >= 8
    leaked = [s for s in SEEN_SECRETS if s in text]
    assert not leaked
    # An Authorization header, not an action name such as GetAccountAuthorizationDetails.
    assert not re.search(r"\bAuthorization\b", text) and "Signature=" not in text and "Password=" not in text
    assert "AWS4-HMAC-SHA256" not in text
