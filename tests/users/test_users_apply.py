"""Notebook 02's apply, observe, profiles and switch against moto in-process (and Stubber)."""

from __future__ import annotations

import configparser
import json
import stat
from dataclasses import replace

import pytest
from botocore.exceptions import ClientError

from helpers import aws
from helpers.credentials.files import save_profile
from helpers.credentials.keys import KeyPair
from helpers.credentials.profiles import saved_key_id
from helpers.errors import WalkthroughError
from helpers.mfa.policies import self_service_mfa_policy
from helpers.users import (
    KeyLimitError,
    ProfileConflictError,
    add_service,
    apply_plan,
    check_capabilities,
    explain_step_error,
    observe,
    plan_key_rotation,
    remove_service,
    services_state,
    setup_plan,
    switch_to_profile,
    wait_until_live,
)
from helpers.users.records import Step
from tests.users_support import ROOT_KEY_ID, moto_account_fixture


@pytest.fixture
def moto_account(tmp_path, monkeypatch):
    yield from moto_account_fixture(tmp_path, monkeypatch)


def read_ini(path):
    parser = configparser.RawConfigParser()
    parser.read(path)
    return parser


def full_setup(session, files, **kw):
    plan = setup_plan(session, files)
    result = apply_plan(session, plan, files, **kw)
    assert result.ok, result.error
    return result


def test_full_apply_then_rerun_is_a_no_op(moto_account):
    session, files = moto_account
    result = full_setup(session, files)
    obs = observe(session, files)
    assert obs.user_name == "AML@Packt" and obs.user_in_group and obs.login_profile
    assert {
        "AmazonS3FullAccess",
        "IAMReadOnlyAccess",
        "IAMUserChangePassword",
        "aml-packt-self-service-mfa",
    } == set(obs.group_policies)
    assert obs.self_service_policy
    iam = aws.client(session, "iam")
    arn = f"arn:aws:iam::{obs.account_id}:policy/aml-packt-self-service-mfa"
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    assert (json.loads(document) if isinstance(document, str) else document) == self_service_mfa_policy()
    assert len(obs.keys) == 1 and obs.profile.key_id == obs.keys[0].key_id == result.key_id
    assert obs.password_policy["MinimumPasswordLength"] == 14
    assert obs.password_policy["PasswordReusePrevention"] == 24
    assert result.password is not None and "*" in repr(result.password)
    assert result.signin_url == f"https://{obs.account_id}.signin.aws.amazon.com/console"
    # Re-running every cell converges: nothing planned, no new user, no new key.
    again = setup_plan(session, files)
    assert again.empty, again.lines()
    assert len(observe(session, files).keys) == 1


def test_key_goes_straight_into_profile_never_into_results(moto_account):
    session, files = moto_account
    result = full_setup(session, files)
    creds = read_ini(files.credentials_file)
    secret = creds.get("aml-packt", "aws_secret_access_key")
    assert len(secret) >= 20
    assert creds.get("root-keys", "aws_access_key_id") == ROOT_KEY_ID  # others untouched
    text = files.credentials_file.read_text()
    assert "# the root user's keys, saved by notebook 01" in text  # comments kept
    assert stat.S_IMODE(files.credentials_file.stat().st_mode) == 0o600
    config = read_ini(files.config_file)
    assert config.get("profile aml-packt", "region") == "us-east-1"
    assert config.get("profile aml-packt", "endpoint_url_marker") == "kept"
    assert result.backups and all(stat.S_IMODE(b.stat().st_mode) == 0o600 for b in result.backups)
    everything = " ".join(result.lines()) + repr(result)
    assert secret not in everything
    assert result.password.reveal() not in everything


def test_new_profile_works_and_switch_makes_it_active(moto_account, monkeypatch):
    session, files = moto_account
    full_setup(session, files)
    chosen = []
    monkeypatch.setattr("helpers.account.use_profile", chosen.append)
    arn = switch_to_profile(files)
    assert arn.endswith(":user/AML@Packt") and chosen == ["aml-packt"]


def test_switch_refuses_a_profile_of_someone_else(moto_account, monkeypatch):
    session, files = moto_account
    iam = aws.client(session, "iam")
    iam.create_user(UserName="someone")
    key = iam.create_access_key(UserName="someone")["AccessKey"]
    save_profile(files, "aml-packt", KeyPair(key["AccessKeyId"], key["SecretAccessKey"]))
    chosen = []
    monkeypatch.setattr("helpers.account.use_profile", chosen.append)
    with pytest.raises(WalkthroughError, match="not as AML@Packt"):
        switch_to_profile(files)
    assert chosen == []
    # and the set-up plan refuses to overwrite that profile
    with pytest.raises(ProfileConflictError, match="user/someone"):
        setup_plan(session, files)


def test_user_typed_in_another_case_is_reported_not_duplicated(moto_account):
    session, files = moto_account
    aws.client(session, "iam").create_user(UserName="aml@packt")
    plan = setup_plan(session, files)
    assert not any(c.kind == "user" and c.verb == "create" for c in plan.changes)
    assert any("ignore case" in n for n in plan.notes)
    result = apply_plan(session, plan, files)
    assert result.ok, result.error
    users = [u["UserName"] for u in aws.client(session, "iam").list_users()["Users"]]
    assert users == ["aml@packt"]


def test_typed_password_checked_before_any_change(moto_account):
    session, files = moto_account
    plan = setup_plan(session, files)
    result = apply_plan(session, plan, files, password="tooShort1!")
    assert not result.ok and "at least 14" in result.error and "Nothing was changed" in result.error
    assert result.done == []
    assert observe(session, files).user_name is None


def test_typed_password_is_used_and_not_returned(moto_account):
    session, files = moto_account
    result = full_setup(session, files, password="Correct-Horse-42-Battery")
    assert result.password is None  # only a generated password is handed back
    assert observe(session).login_profile


def test_password_policy_violation_from_aws_is_explained():
    exc = ClientError({"Error": {"Code": "PasswordPolicyViolation", "Message": "x"}}, "CreateLoginProfile")
    text = explain_step_error(exc, "create", "console password")
    assert "password policy" in text and "which rule" in text


def test_access_denied_names_the_permission_and_who_has_it():
    exc = ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorized"}}, "CreateUser")
    text = explain_step_error(exc, "create", "user")
    assert "iam:CreateUser" in text and "root user has it" in text and "root-keys" in text


def refuse_iam(monkeypatch, operation: str, code: str, message: str):
    """Every IAM client the apply step makes raises ClientError *code* for *operation*; returns the real factory."""
    real = aws.client

    def refusing_client(sess, service):
        client = real(sess, service)
        if service == "iam":

            def refuse(**_):
                raise ClientError({"Error": {"Code": code, "Message": message}}, operation)

            client.meta.events.register(f"before-call.iam.{operation}", refuse)
        return client

    monkeypatch.setattr("helpers.users.apply.aws.client", refusing_client)
    return real


def test_failure_half_way_then_rerun_finishes(moto_account, monkeypatch):
    session, files = moto_account
    plan = setup_plan(session, files)
    # Let everything through except CreateUser, which fails (until the real client is back).
    real = refuse_iam(monkeypatch, "CreateUser", "ServiceFailure", "boom")
    first = apply_plan(session, plan, files)
    assert not first.ok and "Stopped at: create user AML@Packt" in first.error
    assert "Run the cell again" in first.error
    assert any("group" in line for line in first.done)
    monkeypatch.setattr("helpers.users.apply.aws.client", real)
    rest = setup_plan(session, files)
    assert [c.verb + " " + c.kind for c in rest.changes][0] == "create user"
    assert not any(c.kind == "group" for c in rest.changes)
    second = apply_plan(session, rest, files)
    assert second.ok and setup_plan(session, files).empty


def test_applying_the_same_plan_twice_converges(moto_account):
    session, files = moto_account
    plan = setup_plan(session, files, access_key=False)
    assert apply_plan(session, plan, files).ok
    again = apply_plan(session, plan, files)  # a stale plan: everything is already there
    assert again.ok, again.error
    assert any("already had a console password" in line for line in again.done)
    assert len(aws.client(session, "iam").list_users()["Users"]) == 1


def test_limit_exceeded_on_keys(moto_account):
    session, files = moto_account
    full_setup(session, files)
    iam = aws.client(session, "iam")
    iam.create_access_key(UserName="AML@Packt")
    # Someone removed the profile: two keys exist, neither saved here.
    files.credentials_file.write_text(files.credentials_file.read_text().replace("[aml-packt]", "[other]"))
    with pytest.raises(KeyLimitError, match="two access keys"):
        setup_plan(session, files)
    exc = ClientError({"Error": {"Code": "LimitExceeded", "Message": "quota"}}, "CreateAccessKey")
    assert "plan_key_rotation" in explain_step_error(exc, "create", "access key")


def test_rotation_replaces_the_key_and_leaves_one(moto_account):
    session, files = moto_account
    first = full_setup(session, files)
    plan = plan_key_rotation(observe(session, files))
    result = apply_plan(session, plan, files)
    assert result.ok, result.error
    obs = observe(session, files)
    assert [k.key_id for k in obs.keys] == [result.key_id] != [first.key_id]
    assert saved_key_id(files, "aml-packt", masked=False) == result.key_id


def test_rotation_with_two_keys_retires_the_chosen_one(moto_account):
    session, files = moto_account
    full_setup(session, files)
    iam = aws.client(session, "iam")
    extra = iam.create_access_key(UserName="AML@Packt")["AccessKey"]["AccessKeyId"]
    files.credentials_file.write_text(files.credentials_file.read_text().replace("[aml-packt]", "[other]"))
    obs = observe(session, files)
    result = apply_plan(session, plan_key_rotation(obs, retire=extra), files)
    assert result.ok, result.error
    ids = {k.key_id for k in observe(session).keys}
    assert extra not in ids and len(ids) == 2


def test_services_add_and_remove_on_the_group(moto_account):
    session, files = moto_account
    full_setup(session, files)
    assert services_state(session)["athena"] is False
    plan = add_service(session, "athena")
    assert [c.name for c in plan.changes] == ["AmazonAthenaFullAccess"]
    assert apply_plan(session, plan).ok
    assert services_state(session)["athena"] is True
    assert add_service(session, "athena").empty
    assert apply_plan(session, add_service(session, "lambda")).ok
    attached = aws.client(session, "iam").list_attached_group_policies(GroupName="aml-packt-users")
    assert "AWSLambda_FullAccess" in {p["PolicyName"] for p in attached["AttachedPolicies"]}
    assert apply_plan(session, remove_service(session, "athena")).ok
    assert services_state(session)["athena"] is False
    assert not aws.client(session, "iam").list_attached_user_policies(UserName="AML@Packt")["AttachedPolicies"]


def test_csv_download_is_0600(moto_account, tmp_path):
    session, files = moto_account
    target = tmp_path / "downloads" / "keys.csv"
    result = full_setup_csv = apply_plan(session, setup_plan(session, files, csv_path=str(target)), files)
    assert full_setup_csv.ok, result.error
    lines = target.read_text().splitlines()
    assert lines[0] == "Access key ID,Secret access key" and lines[1].startswith(result.key_id + ",")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_key_deleted_again_when_profile_cannot_be_written(moto_account, monkeypatch):
    session, files = moto_account

    def broken(*a, **k):
        raise PermissionError(13, "Permission denied", str(files.credentials_file))

    monkeypatch.setattr("helpers.users.apply.save_profile", broken)
    result = apply_plan(session, setup_plan(session, files), files)
    assert not result.ok and "writable" in result.error
    assert observe(session).keys == ()


def test_wait_until_live_retries_with_backoff_then_gives_up(moto_account):
    _, files = moto_account
    save_profile(files, "aml-packt", KeyPair("AKIANOTYETLIVE000001", "x" * 40))
    said, slept, now = [], [], [0.0]

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    def deny_all(**kwargs):
        raise ClientError({"Error": {"Code": "InvalidClientTokenId", "Message": "no"}}, "GetCallerIdentity")

    import helpers.users.switching as sw

    real = sw.aws.client

    def client(sess, service):
        c = real(sess, service)
        c.meta.events.register("before-call.sts.GetCallerIdentity", lambda **kw: deny_all())
        return c

    sw_aws_client = sw.aws.client
    sw.aws.client = client
    try:
        with pytest.raises(WalkthroughError, match="after 60 s"):
            wait_until_live(files, "aml-packt", say=said.append, sleep=sleep, clock=lambda: now[0])
    finally:
        sw.aws.client = sw_aws_client
    # About a minute on a fake clock (no real waiting), with a progress line at every retry.
    assert said[0] == "A new access key takes a few seconds to work on AWS; checking again..."
    assert said[1:3] == [
        "Still waiting for the new key: 1 s of up to 60 s.",
        "Still waiting for the new key: 3 s of up to 60 s.",
    ]
    assert len(said) == len(slept)
    assert slept[:5] == [1.0, 2.0, 4.0, 8.0, 8.0] and sum(slept) == pytest.approx(60.0)


def test_closing_check_as_aml_packt(moto_account):
    session, files = moto_account
    full_setup(session, files)
    as_user = aws.make_session(files, "aml-packt")
    results = check_capabilities(as_user, files)
    assert [r.action for r in results][0] == "List S3 buckets"
    assert results[0].allowed and results[1].allowed
    # moto in-process does not enforce IAM permissions: the sandbox does (see notebook test).
    assert results[2].expected is False


def test_access_denied_from_caller_without_rights(moto_account, monkeypatch):
    session, files = moto_account
    plan = setup_plan(session, files)
    denied = "User: arn:aws:iam::123456789012:user/x is not authorized to perform: iam:UpdateAccountPasswordPolicy"
    refuse_iam(monkeypatch, "UpdateAccountPasswordPolicy", "AccessDenied", denied)
    result = apply_plan(session, plan, files)
    assert "iam:UpdateAccountPasswordPolicy" in result.error and "root user has it" in result.error
    assert result.done == []


def test_notebook_steps_say_a_sentence_instead_of_a_traceback(moto_account, monkeypatch):
    from helpers.users import steps

    _, files = moto_account

    class Chosen:
        practice = True

        def files(self):
            return files

        def session(self, profile=None):
            return aws.make_session(files, profile or "root-keys")

    monkeypatch.setattr("helpers.account.current_account", lambda: Chosen())
    table = steps.standing()
    assert "the root user" not in repr(table) and "not yet" in repr(table)
    refused = steps.switch()  # no aml-packt profile yet
    assert not refused.ok and "not changed" in repr(refused)
    missing = steps.closing_check()
    assert not missing.ok and "aml-packt" in repr(missing)
    denied = ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "GetAccountAuthorizationDetails")

    def deny(*a, **k):
        raise denied

    monkeypatch.setattr(steps, "observe", deny)
    notice = steps.standing()
    assert "iam:GetAccountAuthorizationDetails" in repr(notice) and "root user has it" in repr(notice)


def test_switch_can_also_fill_an_empty_default_profile(moto_account, monkeypatch):
    session, files = moto_account
    result = full_setup(session, files)
    monkeypatch.setattr("helpers.account.use_profile", lambda name: None)
    switch_to_profile(files, also_default=True)
    assert saved_key_id(files, "default", masked=False) == result.key_id
    assert aws.make_session(files, "default").client("sts").get_caller_identity()["Arn"].endswith("/AML@Packt")
    config = files.config_file.read_text()
    default = config.split("[default]\n")[1]  # AWS CLI style: [default], not [profile default]
    assert "region = us-east-1\n" in default and "[profile default]" not in config


def test_switch_leaves_a_default_of_someone_else_alone(moto_account, monkeypatch):
    session, files = moto_account
    full_setup(session, files)
    files.credentials_file.write_text(
        files.credentials_file.read_text() + "\n[default]\naws_access_key_id = AKIAOTHER00000000001\n"
        "aws_secret_access_key = othersecret\n"
    )
    chosen = []
    monkeypatch.setattr("helpers.account.use_profile", chosen.append)
    with pytest.raises(WalkthroughError, match="left alone"):
        switch_to_profile(files, also_default=True)
    assert chosen == [] and saved_key_id(files, "default", masked=False) == "AKIAOTHER00000000001"


def test_malformed_credentials_file_refused_and_no_key_left(moto_account):
    session, files = moto_account
    plan = setup_plan(session, files)  # the session has read its keys; now the file gets damaged
    files.credentials_file.write_text("[root-keys\naws_secret_access_key = verysecretvalue\n")
    result = apply_plan(session, plan, files)
    assert not result.ok and "cannot be read" in result.error and "line 1" in result.error
    assert "verysecretvalue" not in result.error
    assert observe(session).keys == ()  # the key made before the write failed was deleted again


def test_self_service_policy_that_already_exists_converges(moto_account):
    session, files = moto_account
    iam = aws.client(session, "iam")
    iam.create_policy(PolicyName="aml-packt-self-service-mfa", PolicyDocument=json.dumps(self_service_mfa_policy()))
    plan = setup_plan(session, files)
    assert "Would create policy aml-packt-self-service-mfa" not in "\n".join(plan.lines())
    assert (
        "Would attach policy aml-packt-self-service-mfa (to group aml-packt-users). Calls iam:AttachGroupPolicy."
        in (plan.lines())
    )
    # A plan made before someone else created it: CreatePolicy's EntityAlreadyExists is fine.
    stale = setup_plan(session, files)
    create = Step(
        "create",
        "policy",
        "aml-packt-self-service-mfa",
        params={"name": "aml-packt-self-service-mfa", "document": self_service_mfa_policy()},
    )
    result = apply_plan(session, replace(stale, changes=(create, *stale.changes)), files)
    assert result.ok, result.error
    assert "Policy aml-packt-self-service-mfa already existed (left unchanged)." in result.done
    assert setup_plan(session, files).empty
