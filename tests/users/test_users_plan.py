"""Notebook 02's plans and pure pieces, tested with no AWS at all."""

from __future__ import annotations

import json
import pickle

import pytest

from helpers.credentials.profiles import ProfileInfo
from helpers.errors import WalkthroughError
from helpers.mfa.policies import self_service_mfa_policy
from helpers.names import CIS_PASSWORD_POLICY
from helpers.users import passwords, policies
from helpers.users.key_plan import plan_key_rotation
from helpers.users.plan import password_policy_diff, plan_password_policy, plan_service, plan_setup
from helpers.users.records import KeyInfo, KeyLimitError, Observed, ProfileConflictError, signin_url

ACCOUNT = "123456789012"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/AML@Packt"
BASE_POLICIES = frozenset(policies.service(s).policy_name for s in policies.BASE_SERVICES) | {
    "aml-packt-self-service-mfa"
}


def fresh(**kw) -> Observed:
    kw.setdefault("profile", ProfileInfo("aml-packt"))
    return Observed(ACCOUNT, ROOT, **kw)


def done(**kw) -> Observed:
    """An account where notebook 02 has already run."""
    base = {
        "user_name": "AML@Packt",
        "user_arn": USER_ARN,
        "group_exists": True,
        "user_in_group": True,
        "group_policies": BASE_POLICIES,
        "self_service_policy": True,
        "login_profile": True,
        "keys": (KeyInfo("AKIAOLD", "Active"),),
        "password_policy": policies.wanted_password_policy(None),
        "profile": ProfileInfo("aml-packt", "AKIAOLD"),
    }
    return Observed(ACCOUNT, ROOT, **(base | kw))


def kinds(plan):
    return [(c.verb, c.kind, c.name) for c in plan.changes]


# A rotation's two halves: the new key made and its profile checked, the old key switched off and removed.
NEW_KEY_IN_PROFILE = [("create", "access key", "for AML@Packt"), ("check", "profile", "aml-packt")]


def retired(key_id: str) -> list[tuple[str, str, str]]:
    return [("deactivate", "access key", key_id), ("delete", "access key", key_id)]


def test_fresh_account_plans_everything_in_order():
    plan = plan_setup(fresh())
    assert kinds(plan) == [
        ("set", "account password policy", "(CIS)"),
        ("create", "group", "aml-packt-users"),
        ("attach", "policy", "AmazonS3FullAccess"),
        ("attach", "policy", "IAMUserChangePassword"),
        ("attach", "policy", "IAMReadOnlyAccess"),
        ("create", "policy", "aml-packt-self-service-mfa"),
        ("attach", "policy", "aml-packt-self-service-mfa"),
        ("create", "user", "AML@Packt"),
        ("add", "user", "AML@Packt"),
        ("create", "console password", "for AML@Packt"),
        ("create", "access key", "for AML@Packt"),
    ]
    assert str(plan.changes[7]) == "Would create user AML@Packt."
    create, attach = plan.changes[5], plan.changes[6]
    assert str(create).startswith("Would create policy aml-packt-self-service-mfa (customer managed")
    assert str(attach) == "Would attach policy aml-packt-self-service-mfa (to group aml-packt-users)."
    assert create.params["document"] == self_service_mfa_policy()
    assert attach.params["arn"] == f"arn:aws:iam::{ACCOUNT}:policy/aml-packt-self-service-mfa"


def test_self_service_policy_that_exists_is_only_attached_and_can_be_left_out():
    plan = plan_setup(done(group_policies=BASE_POLICIES - {"aml-packt-self-service-mfa"}))
    assert kinds(plan) == [("attach", "policy", "aml-packt-self-service-mfa")]
    missing = plan_setup(done(self_service_policy=False, group_policies=BASE_POLICIES - {"aml-packt-self-service-mfa"}))
    assert [c.verb for c in missing.changes] == ["create", "attach"]
    assert plan_setup(done(self_service_policy=False, group_policies=frozenset()), self_service_mfa=False).changes
    assert not any(c.name == "aml-packt-self-service-mfa" for c in plan_setup(fresh(), self_service_mfa=False).changes)


def test_converged_account_plans_nothing():
    plan = plan_setup(done())
    assert plan.empty
    assert "nothing to change" in plan.lines()[0]
    assert any("already holds" in n for n in plan.notes)


def test_user_in_another_case_is_reused_not_duplicated():
    plan = plan_setup(fresh(user_name="aml@packt", user_arn=f"arn:aws:iam::{ACCOUNT}:user/aml@packt"))
    assert ("create", "user", "AML@Packt") not in kinds(plan)
    assert ("add", "user", "aml@packt") in kinds(plan)
    assert any("ignore case" in n for n in plan.notes)


def test_password_policy_sends_every_field_and_keeps_stricter_values():
    current = {"MinimumPasswordLength": 20, "RequireSymbols": False, "MaxPasswordAge": 90}
    plan = plan_password_policy(fresh(password_policy=current))
    sent = plan.changes[0].params["policy"]
    assert sent["MinimumPasswordLength"] == 20  # stricter kept
    assert sent["MaxPasswordAge"] == 90  # expiry kept
    assert sent["PasswordReusePrevention"] == 24
    for name in (
        "RequireSymbols",
        "RequireNumbers",
        "RequireUppercaseCharacters",
        "RequireLowercaseCharacters",
        "AllowUsersToChangePassword",
        "HardExpiry",
    ):
        assert name in sent


def test_password_policy_expiry_optional_and_validated():
    assert "MaxPasswordAge" not in plan_password_policy(fresh()).changes[0].params["policy"]
    assert plan_password_policy(fresh(), max_age_days=90).changes[0].params["policy"]["MaxPasswordAge"] == 90
    off = plan_password_policy(fresh(password_policy={"MaxPasswordAge": 90}), max_age_days=0)
    assert "MaxPasswordAge" not in off.changes[0].params["policy"]
    with pytest.raises(ValueError, match="1095"):
        plan_password_policy(fresh(), max_age_days=5000)


def test_password_policy_diff_rows():
    rows = password_policy_diff({"MinimumPasswordLength": 8, "RequireSymbols": True}, CIS_PASSWORD_POLICY)
    assert ("MinimumPasswordLength", "8", "14") in rows
    assert not any(r[0] == "RequireSymbols" for r in rows)
    assert not any(r[0] == "HardExpiry" for r in rows)  # False vs absent is no change


def test_only_missing_policies_are_attached():
    plan = plan_setup(done(group_policies=frozenset({"AmazonS3FullAccess", "aml-packt-self-service-mfa"})))
    assert [c.name for c in plan.changes] == [
        "IAMUserChangePassword",
        "IAMReadOnlyAccess",
    ]


def test_service_add_and_remove():
    obs = done()
    add = plan_service(obs, "athena")
    assert kinds(add) == [("attach", "policy", "AmazonAthenaFullAccess")]
    assert add.changes[0].params["arn"] == "arn:aws:iam::aws:policy/AmazonAthenaFullAccess"
    assert plan_service(obs, "lambda").changes[0].name == "AWSLambda_FullAccess"
    assert plan_service(obs, "athena", add=False).empty
    gone = plan_service(obs, "s3", add=False)
    assert kinds(gone) == [("detach", "policy", "AmazonS3FullAccess")]
    assert any("base set" in n for n in gone.notes)
    assert plan_service(obs, "s3").empty


def test_service_needs_group_and_known_name():
    with pytest.raises(WalkthroughError, match="set-up cell"):
        plan_service(fresh(), "athena")
    with pytest.raises(policies.UnknownServiceError, match="choose one of"):
        policies.service("redshift")
    with pytest.raises(policies.UnknownServiceError, match="AWSLambda_FullAccess"):
        policies.service("AWSLambdaFullAccess")


def test_catalogue_notes_amazon_ml_successor():
    ml = policies.service("machinelearning")
    assert ml.note == "Closed to new customers; SageMaker AI is its successor."
    # Offered, not ticked by default: the default group set no longer holds it.
    assert "machinelearning" not in policies.BASE_SERVICES and "machinelearning" in policies.OPTIONAL_SERVICES
    assert "AmazonMachineLearningFullAccess" not in {c.name for c in plan_setup(fresh()).changes}
    assert plan_service(done(), "machinelearning").changes[0].name == "AmazonMachineLearningFullAccess"
    assert policies.service("SageMaker").policy_name == "AmazonSageMakerFullAccess"
    assert "AWSLambdaFullAccess" not in {s.policy_name for s in policies.SERVICES}


def test_profile_of_another_identity_is_refused():
    obs = fresh(profile=ProfileInfo("aml-packt", "AKIAROOT", owner_arn=ROOT))
    with pytest.raises(ProfileConflictError, match="another profile name"):
        plan_setup(obs)


def test_dead_key_in_profile_is_replaced():
    plan = plan_setup(fresh(profile=ProfileInfo("aml-packt", "AKIAGONE", dead=True)))
    assert ("create", "access key", "for AML@Packt") in kinds(plan)
    assert any("no longer accepts" in n for n in plan.notes)


def test_inactive_key_in_profile_is_reactivated_not_replaced():
    plan = plan_setup(done(keys=(KeyInfo("AKIAOLD", "Inactive"),)))
    assert kinds(plan) == [("activate", "access key", "AKIAOLD")]


def test_one_unsaved_key_gets_a_second_and_a_note():
    plan = plan_setup(done(profile=ProfileInfo("aml-packt")))
    assert ("create", "access key", "for AML@Packt") in kinds(plan)
    assert any("AKIAOLD" in n and "cannot be shown again" in n for n in plan.notes)


def test_never_a_third_key():
    obs = done(keys=(KeyInfo("AKIA1", "Active"), KeyInfo("AKIA2", "Active")), profile=ProfileInfo("aml-packt"))
    with pytest.raises(KeyLimitError, match="rotate"):
        plan_setup(obs)


def test_rotation_with_two_keys_makes_room_first():
    obs = done(keys=(KeyInfo("AKIA1", "Active"), KeyInfo("AKIA2", "Active")), profile=ProfileInfo("aml-packt"))
    with pytest.raises(KeyLimitError, match="retire"):
        plan_key_rotation(obs)
    plan = plan_key_rotation(obs, retire="AKIA2")
    assert kinds(plan) == retired("AKIA2") + NEW_KEY_IN_PROFILE  # room first
    with pytest.raises(WalkthroughError, match="no key AKIA9"):
        plan_key_rotation(obs, retire="AKIA9")


def test_rotation_order_create_switch_deactivate_delete():
    plan = plan_key_rotation(done())
    assert kinds(plan) == NEW_KEY_IN_PROFILE + retired("AKIAOLD")


def test_signin_url():
    assert signin_url(ACCOUNT) == "https://123456789012.signin.aws.amazon.com/console"


@pytest.mark.parametrize(
    "typed, rule",
    [
        ("Short1!a", "at least 14"),
        ("alllowercase123!!", "upper-case"),
        ("ALLUPPERCASE123!!", "lower-case"),
        ("NoDigitsHere!!abc", "digit"),
        ("NoSymbolsHere123abc", "symbols"),
        ("Tab\tInside123!abcdef", "control character"),
        ("A1!a" * 40, "at most 128"),
    ],
)
def test_password_rules_are_named(typed, rule):
    problems = passwords.password_problems(typed, CIS_PASSWORD_POLICY)
    assert len(problems) == 1 and rule in problems[0]


def test_good_password_passes_and_generated_ones_always_pass():
    assert passwords.password_problems("Correct-Horse-42-Battery", CIS_PASSWORD_POLICY) == []
    for _ in range(200):
        secret = passwords.generate_password(CIS_PASSWORD_POLICY)
        assert passwords.password_problems(secret, CIS_PASSWORD_POLICY) == []
        assert len(secret) >= 20
    assert len(passwords.generate_password({"MinimumPasswordLength": 32})) == 32


def test_secret_never_shows_itself():
    s = passwords.Secret("Sup3r-Secret-Value!")
    assert "Sup3r" not in repr(s) and "Sup3r" not in str(s) and "Sup3r" not in f"{s}"
    assert "Sup3r" not in repr([s])
    assert s.reveal() == "Sup3r-Secret-Value!"
    with pytest.raises(TypeError):
        pickle.dumps(s)


def test_console_password_step_carries_the_policy_in_force():
    stricter = {**CIS_PASSWORD_POLICY, "MinimumPasswordLength": 30}
    plan = plan_setup(fresh(password_policy=stricter))
    assert not any(c.kind == "account password policy" for c in plan.changes)
    step = next(c for c in plan.changes if c.kind == "console password")
    assert step.params["policy"]["MinimumPasswordLength"] == 30 and step.params["account_id"] == ACCOUNT
    assert len(passwords.generate_password(step.params["policy"])) == 30


def test_acting_as_the_user_itself_is_warned():
    obs = done(keys=(), profile=ProfileInfo("aml-packt"))
    obs = Observed(**{**obs.__dict__, "caller_arn": USER_ARN})
    plan = plan_setup(obs)
    assert not plan.empty and any("cannot change IAM" in n and "root-keys" in n for n in plan.notes)


def test_arns_follow_the_callers_partition():
    """aws-cn and aws-us-gov accounts: every ARN the plan builds takes the caller's partition."""
    from helpers.identity import partition_of

    assert partition_of("arn:aws-cn:iam::123456789012:root") == "aws-cn"
    assert partition_of("arn:aws-us-gov:iam::123456789012:user/x") == "aws-us-gov"
    assert partition_of("not an arn") == "aws"
    china = Observed(ACCOUNT, f"arn:aws-cn:iam::{ACCOUNT}:root", profile=ProfileInfo("aml-packt"))
    arns = [c.params["arn"] for c in plan_setup(china).changes if "arn" in c.params]
    assert arns and all(a.startswith("arn:aws-cn:iam::") for a in arns), arns
    create = next(c for c in plan_setup(china).changes if c.verb == "create" and c.kind == "policy")
    resources = json.dumps(create.params["document"])
    assert "arn:aws-cn:iam::*:" in resources and "arn:aws:" not in resources
    gov = done()
    gov = Observed(**{**gov.__dict__, "caller_arn": f"arn:aws-us-gov:iam::{ACCOUNT}:root"})
    athena = plan_service(gov, "athena").changes[0].params["arn"]
    assert athena == "arn:aws-us-gov:iam::aws:policy/AmazonAthenaFullAccess"
