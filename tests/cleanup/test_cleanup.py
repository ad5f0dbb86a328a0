"""Notebook 06's teardown against a real practice account: every checkpoint, every kind of attachment, bad input."""

from __future__ import annotations

import json
import time

import pyotp
import pytest
from botocore.exceptions import ClientError

from helpers.cleanup.apply import apply_teardown
from helpers.cleanup.inventory import take_inventory
from helpers.cleanup.plan import TeardownOptions, blocked, plan_teardown
from helpers.cleanup.profile import profile_state
from helpers.errors import WalkthroughError
from helpers.mfa import devices
from helpers.sandbox import console, files, practice, scenarios
from helpers.sources import AwsFiles
from tests.sandbox_support import client, code_of, module_sandbox, session

ALL = TeardownOptions(remove_group=True, remove_password_policy=True)
CERT_BODY = None  # built once (a self-signed certificate) by the fixture below


sandbox = module_sandbox("cleanup")


def aws_files(home) -> AwsFiles:
    p = files.paths(home)
    return AwsFiles(p.config, p.credentials)


def teardown(home, options: TeardownOptions = ALL, session=None):
    """Plan and apply as the practice account's owner; return (plan, result)."""
    with practice.owner_session(home) as owner:
        acting = session or owner
        inv = take_inventory(acting)
        keys = inv.user.access_keys if inv.user else ()
        plan = plan_teardown(inv, profile_state(aws_files(home), "aml-packt", keys), options)
        return plan, apply_teardown(acting, plan, aws_files(home))


def root_view(home) -> tuple[list[str], bool]:
    state = console.root_state(home=home)
    return [k["access_key_id"] for k in state["access_keys"]], bool(state["mfa_enabled"])


@pytest.mark.parametrize("nn", sorted(scenarios.CHECKPOINTS))
def test_teardown_from_every_checkpoint_converges(sandbox, nn):
    home, _ = sandbox
    practice.reset_to(nn, home=home)
    root_before = root_view(home)
    profiles_before = files.profile_names(files.paths(home))
    plan, result = teardown(home)
    assert result.ok, result.lines()
    with practice.owner_session(home) as owner:
        inv = take_inventory(owner)
        again = plan_teardown(inv, profile_state(aws_files(home), "aml-packt"), ALL)
    assert inv.user is None and inv.group is None and not inv.password_policy
    assert again.empty, again.lines()  # teardown twice: the second finds nothing to do
    assert "aml-packt" not in files.profile_names(files.paths(home))
    # Only what the lesson made went: the root's keys and MFA are as they were, other profiles stay.
    assert root_view(home) == root_before
    assert set(files.profile_names(files.paths(home))) == set(profiles_before) - {"aml-packt"}
    if nn >= "03":
        lines = [str(c) for c in plan.changes]
        assert lines.index("Would delete user AML@Packt.") > max(i for i, x in enumerate(lines) if "access key" in x)
        assert lines[-2].startswith("Would remove profile aml-packt")
        # Then the backups holding only the user's deleted key (issue 15), the one just made included.
        assert lines[-1].startswith("Would delete credentials-file backups holding only key")
        # Removing the group also removes the lesson's customer-managed policy, after the group.
        assert lines.index("Would delete policy aml-packt-self-service-mfa (customer managed).") > lines.index(
            "Would delete group aml-packt-users."
        )
        with practice.owner_session(home) as owner:
            local = owner.client("iam").list_policies(Scope="Local")["Policies"]
        assert [p["PolicyName"] for p in local] == []


def test_second_teardown_says_nothing_to_do(sandbox):
    home, _ = sandbox
    practice.reset_to("05", home=home)
    teardown(home)
    plan, result = teardown(home)
    assert plan.empty and result.lines() == ["Nothing was changed."]
    assert "nothing to change" in plan.lines()[0]


def _self_signed_cert() -> str:
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "aml-test")])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _ssh_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def _attach_everything(home) -> dict:
    """As the root: give AML@Packt one of every kind of thing IAM wants gone before DeleteUser."""
    iam = client(home, "root-keys")
    user = "AML@Packt"
    iam.create_access_key(UserName=user)  # a second key (the lesson's own rotation makes these)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="aml-phone")["VirtualMFADevice"]
    totp = pyotp.TOTP(
        device["Base32StringSeed"].decode()
        if isinstance(device["Base32StringSeed"], bytes)
        else device["Base32StringSeed"]
    )
    now = time.time()
    iam.enable_mfa_device(
        UserName=user,
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=totp.at(now - 30),
        AuthenticationCode2=totp.at(now),
    )
    iam.create_group(GroupName="data-team")
    iam.add_user_to_group(GroupName="data-team", UserName=user)
    iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/AmazonAthenaFullAccess")
    iam.put_user_policy(
        UserName=user,
        PolicyName="own-bucket",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
        ),
    )
    cert = iam.upload_signing_certificate(UserName=user, CertificateBody=_self_signed_cert())["Certificate"]
    ssh = iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=_ssh_key())["SSHPublicKey"]
    return {"serial": device["SerialNumber"], "cert": cert["CertificateId"], "ssh": ssh["SSHPublicKeyId"]}


def test_extras_are_listed_and_left_alone_unless_ticked(sandbox):
    home, _ = sandbox
    practice.reset_to("03", home=home)
    made = _attach_everything(home)
    plan, result = teardown(home, TeardownOptions())
    note = " ".join(plan.notes)
    for expected in (
        "virtual MFA device",
        "data-team",
        "AmazonAthenaFullAccess",
        "own-bucket",
        made["cert"],
        made["ssh"],
    ):
        assert expected in note
    assert not any(c.kind == "user" for c in plan.changes) and result.lines() == ["Nothing was changed."]
    iam = client(home, "root-keys")
    assert iam.get_user(UserName="AML@Packt")["User"]["UserName"] == "AML@Packt"
    assert len(iam.list_access_keys(UserName="AML@Packt")["AccessKeyMetadata"]) == 2
    assert "aml-packt" in files.profile_names(files.paths(home))  # kept with its user


def test_ticked_extras_go_in_the_order_iam_requires(sandbox):
    home, _ = sandbox
    practice.reset_to("03", home=home)
    made = _attach_everything(home)
    plan, result = teardown(home, TeardownOptions(remove_extras=True))
    assert result.ok, result.lines()
    kinds = [(c.verb, c.kind) for c in plan.changes]
    order = [
        ("delete", "access key"),
        ("delete", "console password"),
        ("deactivate", "virtual MFA device"),
        ("delete", "virtual MFA device"),
        ("remove", "user"),
        ("detach", "policy"),
        ("delete", "inline policy"),
        ("delete", "signing certificate"),
        ("delete", "SSH public key"),
        ("delete", "user"),
    ]
    positions = [kinds.index(k) for k in order]
    assert positions == sorted(positions), kinds
    iam = client(home, "root-keys")
    with pytest.raises(ClientError) as err:
        iam.get_user(UserName="AML@Packt")
    assert code_of(err.value) == "NoSuchEntity"
    serials = [d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]]
    assert made["serial"] not in serials
    assert iam.get_group(GroupName="data-team")["Group"]["GroupName"] == "data-team"  # only the membership went
    assert iam.get_group(GroupName="aml-packt-users")  # not ticked: kept


def _auditor(home, deny: str) -> object:
    """A user who may read IAM except *deny*; returns a session as that user."""
    iam = client(home, "root-keys")
    name = f"auditor-{deny.split(':')[1].lower()}"
    iam.create_user(UserName=name)
    iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    iam.put_user_policy(
        UserName=name,
        PolicyName="deny-one",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": deny, "Resource": "*"}]}
        ),
    )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    p = files.paths(home)
    url = next(v for v in p.config.read_text().split() if v.startswith("http://"))
    files.write_profile(p, name, key["AccessKeyId"], key["SecretAccessKey"], url)
    from tests.sandbox_support import session

    return session(home, name)


def test_resources_it_cannot_see_stop_it_before_the_user(sandbox):
    home, _ = sandbox
    practice.reset_to("03", home=home)
    auditor = _auditor(home, "iam:ListMFADevices")
    inv = take_inventory(auditor)
    assert inv.unseen == {"MFA devices": "iam:ListMFADevices"}
    plan = plan_teardown(inv, profile_state(aws_files(home), "aml-packt", inv.user.access_keys), ALL)
    assert blocked(plan)
    assert "MFA devices (iam:ListMFADevices)" in plan.notes[0]
    assert not any(c.name == "AML@Packt" for c in plan.changes)
    assert not any(c.kind in ("group", "profile") for c in plan.changes)


def test_a_refused_step_stops_there_and_a_rerun_finishes(sandbox):
    home, _ = sandbox
    practice.reset_to("03", home=home)
    reader = _auditor(home, "iam:ListSSHPublicKeys")
    with practice.owner_session(home) as owner:
        inv = take_inventory(owner)
    plan = plan_teardown(inv, profile_state(aws_files(home), "aml-packt", inv.user.access_keys), ALL)
    result = apply_teardown(reader, plan, aws_files(home))  # read-only: the first delete is refused
    assert not result.ok and result.done == []
    assert result.failed.startswith("Stopped at: delete access key")
    assert "not allowed" in result.failed and "run the cell again" in result.failed
    assert "aml-packt" in files.profile_names(files.paths(home))  # nothing after the refused step
    _plan, second = teardown(home)
    assert second.ok


def test_something_added_after_the_plan_stops_at_the_user(sandbox):
    home, _ = sandbox
    practice.reset_to("03", home=home)
    with practice.owner_session(home) as owner:
        inv = take_inventory(owner)
        plan = plan_teardown(inv, profile_state(aws_files(home), "aml-packt", inv.user.access_keys), ALL)
        client(home, "root-keys").create_access_key(UserName="AML@Packt")  # appears after the plan
        result = apply_teardown(owner, plan, aws_files(home))
    assert not result.ok and "Stopped at: delete user AML@Packt" in result.failed
    assert "a new plan lists it" in result.failed
    _plan, second = teardown(home)
    assert second.ok and any("Deleted user AML@Packt" in line for line in second.done)


def test_acting_as_aml_packt_itself_is_refused_with_the_reason(sandbox):
    home, _ = sandbox
    practice.reset_to("05", home=home)
    from tests.sandbox_support import session

    inv = take_inventory(session(home, "aml-packt"))
    plan = plan_teardown(inv, None, ALL)
    assert not any(c.name == "AML@Packt" for c in plan.changes)
    assert any("cannot tear itself down" in n for n in plan.notes)


def test_a_profile_holding_someone_elses_key_is_left_alone(sandbox):
    home, _ = sandbox
    practice.reset_to("03", home=home)
    p = files.paths(home)
    text = p.credentials.read_text()
    root_id = text.split("[root-keys]")[1].split("aws_access_key_id = ")[1].split()[0]
    root_secret = text.split("[root-keys]")[1].split("aws_secret_access_key = ")[1].split()[0]
    url = next(v for v in p.config.read_text().split() if v.startswith("http://"))
    files.write_profile(p, "aml-packt", root_id, root_secret, url)  # the learner overwrote it
    plan, result = teardown(home)
    assert result.ok
    assert not any(c.kind == "profile" for c in plan.changes)
    assert any("arn:aws:iam::" in n and ":root" in n and "left alone" in n for n in plan.notes)
    assert "aml-packt" in files.profile_names(p)


def test_owner_session_leaves_no_root_key_behind_even_on_error(sandbox):
    home, _ = sandbox
    practice.reset_to("04", home=home)
    assert root_view(home)[0] == []
    with pytest.raises(RuntimeError), practice.owner_session(home) as owner:
        assert client  # the session works while the block lasts
        assert owner.client("sts").get_caller_identity()["Arn"].endswith(":root")
        raise RuntimeError("boom")
    assert root_view(home)[0] == []


def test_reset_to_unknown_checkpoint_lists_the_valid_ones(sandbox):
    home, _ = sandbox
    with pytest.raises(Exception) as err:
        practice.reset_to("09", home=home)
    assert "00, 01, 02, 03, 04, 05, 06" in str(err.value)


def test_service_specific_credentials_are_listed_and_deleted_before_the_user(monkeypatch):
    """moto has no service-specific credentials: botocore's Stubber plays IAM for this one."""
    import boto3
    from botocore.stub import Stubber

    from helpers.cleanup import apply as apply_module
    from helpers.cleanup import inventory as inventory_module

    session = boto3.Session(aws_access_key_id="AKIAFAKE", aws_secret_access_key="fake", region_name="us-east-1")
    iam = session.client("iam")
    sts = session.client("sts")
    user = "AML@Packt"
    with Stubber(iam) as s_iam, Stubber(sts) as s_sts:
        s_sts.add_response("get_caller_identity", {"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:root"})
        s_iam.add_response(
            "get_user",
            {
                "User": {
                    "UserName": user,
                    "Arn": f"arn:aws:iam::123456789012:user/{user}",
                    "UserId": "AIDAX" * 4,
                    "Path": "/",
                    "CreateDate": "2026-01-01T00:00:00Z",
                }
            },
        )
        s_iam.add_client_error("get_login_profile", "NoSuchEntity")
        for op, key in (
            ("list_access_keys", "AccessKeyMetadata"),
            ("list_mfa_devices", "MFADevices"),
            ("list_groups_for_user", "Groups"),
            ("list_attached_user_policies", "AttachedPolicies"),
            ("list_user_policies", "PolicyNames"),
            ("list_signing_certificates", "Certificates"),
            ("list_ssh_public_keys", "SSHPublicKeys"),
        ):
            s_iam.add_response(op, {key: []})
        s_iam.add_response(
            "list_service_specific_credentials",
            {
                "ServiceSpecificCredentials": [
                    {
                        "UserName": user,
                        "Status": "Active",
                        "ServiceUserName": "aml-at-1234",
                        "CreateDate": "2026-01-01T00:00:00Z",
                        "ServiceSpecificCredentialId": "ACCAEXAMPLE123456789",
                        "ServiceName": "codecommit.amazonaws.com",
                    }
                ]
            },
        )
        s_iam.add_client_error("get_account_password_policy", "NoSuchEntity")
        s_iam.add_client_error("get_group", "NoSuchEntity")
        clients = {"sts": sts, "iam": iam}
        monkeypatch.setattr(inventory_module.aws, "client", lambda _s, name: clients[name])
        monkeypatch.setattr(session, "client", lambda name, config=None: iam)
        inv = take_inventory(session)
        assert inv.user.service_credentials == ("ACCAEXAMPLE123456789",)
        plan = plan_teardown(inv, None, TeardownOptions(remove_extras=True))
        assert [str(c) for c in plan.changes] == [
            "Would delete service-specific credential ACCAEXAMPLE123456789 (of AML@Packt).",
            "Would delete user AML@Packt.",
        ]
        s_iam.add_response(
            "delete_service_specific_credential",
            {},
            {"UserName": user, "ServiceSpecificCredentialId": "ACCAEXAMPLE123456789"},
        )
        s_iam.add_client_error("delete_user", "NoSuchEntity")  # someone else was faster: counts as done
        monkeypatch.setattr(apply_module.aws, "client", lambda _s, name: clients[name])
        result = apply_teardown(session, plan)
        s_iam.assert_no_pending_responses()
    assert result.ok
    assert result.done == [
        "Deleted service-specific credential ACCAEXAMPLE123456789 (of AML@Packt).",
        "User AML@Packt was already gone.",
    ]


def test_owner_session_when_the_root_already_has_two_keys_says_what_to_do(sandbox):
    home, _ = sandbox
    practice.reset_to("02", home=home)
    console.create_root_access_key(home=home)  # the root now has the two keys AWS allows
    with pytest.raises(WalkthroughError) as err, practice.owner_session(home):
        pass
    assert "Delete one of the root's two access keys first" in str(err.value)
    assert len(root_view(home)[0]) == 2  # nothing was added or removed


def _lesson_device(home, name: str) -> str:
    """As notebook 04's form does: AML@Packt creates and enables a virtual device of its own.

    A second device needs an MFA session (as on AWS), signed in with the next code of the device
    it already has (AML-Packt-phone; its seed read through the sandbox's test hook).
    """
    s = session(home, "aml-packt")
    existing = [d.serial for d in devices.list_devices(s, "AML@Packt")]
    device, _notes = devices.create_device(s, "AML@Packt", name)
    totp = pyotp.TOTP(device.seed)
    now = time.time()
    signed_in = None
    if existing:
        seed = console.mfa_seed(existing[0], home=home)
        signed_in = devices.mfa_session(s, existing[0], pyotp.TOTP(seed).at(now + 30))
    devices.enable_device(s, "AML@Packt", device, totp.at(now - 30), totp.at(now), signed_in=signed_in)
    return device.serial


def test_the_lessons_own_mfa_device_goes_by_default_other_devices_stay_extras(sandbox):
    home, info = sandbox
    practice.reset_to("05", home=home)  # as after a lesson run: AML@Packt made AML-Packt-phone in notebook 04
    serial = f"arn:aws:iam::{info.account_id}:mfa/AML-Packt-phone"
    assert [d.serial for d in devices.list_devices(session(home, "aml-packt"), "AML@Packt")] == [serial]
    plan, result = teardown(home, TeardownOptions())
    assert result.ok, result.lines()
    lines = [str(c) for c in plan.changes]
    assert f"Would deactivate virtual MFA device {serial} (of AML@Packt)." in lines
    assert f"Would delete virtual MFA device {serial}." in lines
    assert lines.index(f"Would delete virtual MFA device {serial}.") < lines.index("Would delete user AML@Packt.")
    assert not any("did not create" in n for n in plan.notes)
    with practice.owner_session(home) as owner:
        iam = owner.client("iam")
        assert serial not in [d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]]
        # The group was not ticked: it stays, with the self-service policy on it.
        attached = iam.list_attached_group_policies(GroupName="aml-packt-users")["AttachedPolicies"]
        assert "aml-packt-self-service-mfa" in [p["PolicyName"] for p in attached]
    # A second device of the learner's own is something they added: the user is kept until ticked.
    practice.reset_to("05", home=home)
    other = _lesson_device(home, "backup-phone")
    plan, result = teardown(home, TeardownOptions())
    assert not any(c.kind == "user" for c in plan.changes), plan.lines()
    note = " ".join(plan.notes)
    assert other in note and "AML-Packt-phone" not in note
