"""Pure plan builders for notebook 02: from an observed account state to the changes to make.

Nothing here calls AWS. ``observe.observe()`` gathers an :class:`Observed` record (``records``);
the builders turn it into a :class:`helpers.plan.Plan` whose changes are :class:`Step` objects
(a ``Change`` plus the parameters ``apply.apply_plan`` needs), so what the learner reads is
exactly what gets carried out. The key's steps and the rotation are in ``key_plan``.
"""

from __future__ import annotations

from helpers.errors import WalkthroughError
from helpers.identity import partition_of
from helpers.mfa.policies import self_service_mfa_policy
from helpers.names import GROUP_NAME, ROOT_PROFILE, SELF_SERVICE_POLICY_NAME, USER_NAME, USER_PROFILE
from helpers.plan import Plan
from helpers.users.key_plan import key_steps
from helpers.users.policies import (
    BASE_SERVICES,
    normalise_password_policy,
    service,
    wanted_password_policy,
)
from helpers.users.records import Observed, Step


def _show(value) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def password_policy_diff(current: dict | None, wanted: dict) -> list[tuple[str, str, str]]:
    """(field, current, wanted) for every field that would change; notebook 02's diff table."""
    before = normalise_password_policy(current) or {}
    rows = []
    fields = list(dict.fromkeys([*wanted, *before]))
    for name in fields:
        old, new = before.get(name), wanted.get(name)
        if old != new and not (old in (None, False) and new in (None, False)):
            rows.append((name, _show(old), _show(new)))
    return rows


def plan_password_policy(obs: Observed, max_age_days: int | None = None) -> Plan:
    """Set the account password policy to CIS (keeping stricter values); notebook 02."""
    wanted = wanted_password_policy(obs.password_policy, max_age_days)
    diff = password_policy_diff(obs.password_policy, wanted)
    notes = []
    if obs.password_policy is None:
        notes.append("The account has no password policy yet (AWS's default allows 8-character passwords).")
    if not diff:
        return Plan("Account password policy", (), tuple(notes))
    detail = "; ".join(f"{name} {old} -> {new}" for name, old, new in diff)
    step = Step(
        "set",
        "account password policy",
        "(CIS)",
        detail,
        params={"policy": wanted},
        api_action="iam:UpdateAccountPasswordPolicy",
    )
    # UpdateAccountPasswordPolicy resets every field it is not sent: apply sends them all.
    return Plan("Account password policy", (step,), tuple(notes))


def _service_names(services) -> list[str]:
    return [service(s).policy_name for s in services]


def _policy_steps(obs: Observed, services) -> list[Step]:
    steps = []
    for name in _service_names(services):
        if name not in obs.group_policies:
            steps.append(
                Step(
                    "attach",
                    "policy",
                    name,
                    f"to group {GROUP_NAME}",
                    params={"group": GROUP_NAME, "arn": service(name).arn_in(partition_of(obs.caller_arn))},
                    api_action="iam:AttachGroupPolicy",
                )
            )
    return steps


def self_service_policy_arn(account_id: str, partition: str = "aws") -> str:
    """The ARN of the customer-managed MFA self-service policy in *account_id* (notebooks 02 and 06)."""
    return f"arn:{partition}:iam::{account_id}:policy/{SELF_SERVICE_POLICY_NAME}"


def _self_service_steps(obs: Observed) -> list[Step]:
    """Create (once) and attach the MFA self-service policy, which notebook 04 relies on."""
    steps = []
    if not obs.self_service_policy:
        steps.append(
            Step(
                "create",
                "policy",
                SELF_SERVICE_POLICY_NAME,
                "customer managed: each user manages only their own MFA devices",
                params={
                    "name": SELF_SERVICE_POLICY_NAME,
                    "document": self_service_mfa_policy(partition=partition_of(obs.caller_arn)),
                },
                api_action="iam:CreatePolicy",
            )
        )
    if SELF_SERVICE_POLICY_NAME not in obs.group_policies:
        steps.append(
            Step(
                "attach",
                "policy",
                SELF_SERVICE_POLICY_NAME,
                f"to group {GROUP_NAME}",
                params={
                    "group": GROUP_NAME,
                    "arn": self_service_policy_arn(obs.account_id, partition_of(obs.caller_arn)),
                },
                api_action="iam:AttachGroupPolicy",
            )
        )
    return steps


def plan_setup(
    obs: Observed,
    services=BASE_SERVICES,
    console: bool = True,
    access_key: bool = True,
    profile: str = USER_PROFILE,
    csv_path: str | None = None,
    max_age_days: int | None = None,
    self_service_mfa: bool = True,
) -> Plan:
    """Everything notebook 02 sets up: password policy, group, policies, user, password, key.

    ``self_service_mfa`` also creates the customer-managed policy aml-packt-self-service-mfa and
    attaches it to the group (a step of its own: the service catalogue holds AWS managed policies).
    """
    steps: list[Step] = []
    notes: list[str] = []
    pp = plan_password_policy(obs, max_age_days)
    steps += pp.changes
    notes += pp.notes
    if not obs.group_exists:
        steps.append(Step("create", "group", GROUP_NAME, params={"group": GROUP_NAME}, api_action="iam:CreateGroup"))
    steps += _policy_steps(obs, services)
    if self_service_mfa:
        steps += _self_service_steps(obs)
    if obs.user_name is None:
        steps.append(Step("create", "user", USER_NAME, params={"user": USER_NAME}, api_action="iam:CreateUser"))
    elif obs.user_name != USER_NAME:
        notes.append(
            f"A user named {obs.user_name} already exists; IAM user names ignore case, so it is the same "
            f"name as {USER_NAME}. This plan uses it instead of creating a second one."
        )
    if not obs.user_in_group:
        steps.append(
            Step(
                "add",
                "user",
                obs.user,
                f"to group {GROUP_NAME}",
                params={"user": obs.user, "group": GROUP_NAME},
                api_action="iam:AddUserToGroup",
            )
        )
    if obs.user_policies:
        notes.append(
            f"{obs.user} also has policies attached directly ({', '.join(sorted(obs.user_policies))}); "
            "CIS recommends granting through groups only."
        )
    if console and not obs.login_profile:
        steps.append(
            Step(
                "create",
                "console password",
                f"for {obs.user}",
                "must be changed at first sign-in",
                params={
                    "user": obs.user,
                    "account_id": obs.account_id,
                    # The policy in force once the plan is applied: a generated password must meet it.
                    "policy": wanted_password_policy(obs.password_policy, max_age_days),
                },
                api_action="iam:CreateLoginProfile",
            )
        )
    if access_key:
        more_steps, more_notes = key_steps(obs, profile, csv_path)
        steps += more_steps
        notes += more_notes
    if steps and obs.user_arn and obs.caller_arn == obs.user_arn:
        notes.append(
            f"You are acting as {obs.user}, which cannot change IAM: apply this with profile '{ROOT_PROFILE}' "
            "(or another identity allowed to manage IAM)."
        )
    return Plan(f"Set up {obs.user}", tuple(steps), tuple(notes))


def plan_service(obs: Observed, name: str, add: bool = True) -> Plan:
    """Attach (or detach) one service's managed policy on the group; notebook 02's toggles."""
    svc = service(name)
    notes = [svc.note] if svc.note else []
    if add:
        if not obs.group_exists:
            raise WalkthroughError(f"Group {GROUP_NAME} does not exist yet: run the set-up cell first.")
        steps = _policy_steps(obs, [svc.key])
        return Plan(f"Add {svc.label}", tuple(steps), tuple(notes))
    if svc.base:
        notes.append(f"{svc.label} is part of the lesson's base set; a later notebook relies on it.")
    steps = []
    if svc.policy_name in obs.group_policies:
        steps.append(
            Step(
                "detach",
                "policy",
                svc.policy_name,
                f"from group {GROUP_NAME}",
                params={"group": GROUP_NAME, "arn": svc.arn_in(partition_of(obs.caller_arn))},
                api_action="iam:DetachGroupPolicy",
            )
        )
    return Plan(f"Remove {svc.label}", tuple(steps), tuple(notes))
