"""Pure plan builders for notebook 02: from an observed account state to the changes to make.

Nothing here calls AWS. ``observe.observe()`` gathers an :class:`Observed` record; the
builders turn it into a :class:`helpers.plan.Plan` whose changes are :class:`Step` objects
(a ``Change`` plus the parameters ``apply.apply_plan`` needs), so what the learner reads is
exactly what gets carried out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from helpers.errors import WalkthroughError
from helpers.identity import partition_of
from helpers.mfa.policies import self_service_mfa_policy
from helpers.names import GROUP_NAME, SELF_SERVICE_POLICY_NAME, USER_NAME, USER_PROFILE
from helpers.plan import Change, Plan
from helpers.users.policies import (
    BASE_SERVICES,
    normalise_password_policy,
    service,
    wanted_password_policy,
)

MAX_KEYS = 2


@dataclass(frozen=True)
class Step(Change):
    """A plan line plus what applying it needs (never a secret)."""

    params: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class KeyInfo:
    """One access key of the user (its ID is not a secret)."""

    key_id: str
    status: str  # "Active" or "Inactive"
    created: datetime | None = None

    @property
    def active(self) -> bool:
        return self.status == "Active"


@dataclass(frozen=True)
class ProfileInfo:
    """What a named profile in the account's files holds."""

    name: str
    key_id: str | None = None  # None: no such profile, or no key in it
    owner_arn: str | None = None  # who STS says the key belongs to (looked up only when needed)
    dead: bool = False  # AWS refused the key (deleted or never valid)


@dataclass(frozen=True)
class Observed:
    """The account as far as notebook 02 cares, gathered by ``observe.observe()``."""

    account_id: str
    caller_arn: str
    user_name: str | None = None  # the name as IAM spells it (matched ignoring case)
    user_arn: str | None = None
    group_exists: bool = False
    user_in_group: bool = False
    group_policies: frozenset[str] = frozenset()  # managed policy names on the group
    self_service_policy: bool = False  # the customer-managed aml-packt-self-service-mfa exists
    user_policies: frozenset[str] = frozenset()  # managed policy names directly on the user
    login_profile: bool = False
    keys: tuple[KeyInfo, ...] = ()
    password_policy: dict | None = None  # None: the account has no password policy
    profile: ProfileInfo | None = None

    @property
    def caller_is_root(self) -> bool:
        return self.caller_arn.endswith(":root")

    @property
    def user(self) -> str:
        """The name to act on: the existing user's spelling, else AML@Packt."""
        return self.user_name or USER_NAME

    def profile_key(self) -> KeyInfo | None:
        """The user's key that the profile holds, if it holds one."""
        if self.profile is None or self.profile.key_id is None:
            return None
        return next((k for k in self.keys if k.key_id == self.profile.key_id), None)


class ProfileConflictError(WalkthroughError):
    """The chosen profile name already holds another identity's key."""


class KeyLimitError(WalkthroughError):
    """The user already has the two access keys IAM allows, and neither is in the profile."""


def signin_url(account_id: str) -> str:
    """The account's console sign-in page for IAM users (notebook 02 shows it)."""
    return f"https://{account_id}.signin.aws.amazon.com/console"


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


def _key_steps(obs: Observed, profile: str, csv_path: str | None) -> tuple[list[Step], list[str]]:
    notes: list[str] = []
    info = obs.profile
    held = obs.profile_key()
    user_arn = obs.user_arn
    if info is not None and info.key_id and held is None and info.owner_arn and not info.dead:
        if user_arn is None or info.owner_arn != user_arn:
            raise ProfileConflictError(
                f"Profile {profile!r} already holds the key of {info.owner_arn}, not of {obs.user}. "
                "Choose another profile name for AML@Packt (or remove that profile yourself if you no "
                "longer need it); nothing was changed."
            )
    if held is not None:
        if held.active:
            notes.append(f"Profile {profile!r} already holds {obs.user}'s active key {held.key_id}: no new key.")
            return [], notes
        step = Step(
            "activate",
            "access key",
            held.key_id,
            f"the one in profile {profile}",
            params={"user": obs.user, "key_id": held.key_id},
            api_action="iam:UpdateAccessKey",
        )
        return [step], notes
    if len(obs.keys) >= MAX_KEYS:
        ids = ", ".join(k.key_id for k in obs.keys)
        raise KeyLimitError(
            f"{obs.user} already has two access keys ({ids}), the most IAM allows, and profile "
            f"{profile!r} holds neither. AWS never shows a secret key again, so rotate instead: "
            f"aml.users.plan_key_rotation(observed, retire='<the unused key ID>') deletes the unused key, "
            "creates a new one straight into the profile, checks it works, then retires the old one."
        )
    if info is not None and info.dead:
        notes.append(f"Profile {profile!r} holds a key AWS no longer accepts; it will be replaced (a backup is kept).")
    for k in obs.keys:
        notes.append(
            f"{obs.user} already has key {k.key_id}, which is not in profile {profile!r}; its secret cannot be "
            "shown again. Delete it once you are sure nothing uses it."
        )
    detail = f"saved straight into profile {profile}"
    if csv_path:
        detail += f" and {csv_path}"
    steps = [
        Step(
            "create",
            "access key",
            f"for {obs.user}",
            detail,
            params={"user": obs.user, "profile": profile, "csv_path": csv_path},
            api_action="iam:CreateAccessKey",
        )
    ]
    return steps, notes


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
        key_steps, key_notes = _key_steps(obs, profile, csv_path)
        steps += key_steps
        notes += key_notes
    if steps and obs.user_arn and obs.caller_arn == obs.user_arn:
        notes.append(
            f"You are acting as {obs.user}, which cannot change IAM: apply this with profile 'root-keys' "
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


def plan_key_rotation(obs: Observed, profile: str = USER_PROFILE, retire: str | None = None) -> Plan:
    """Rotate the user's key: make room, create new into *profile*, prove it, retire the old (notebook 02)."""
    if obs.user_name is None:
        raise WalkthroughError(f"{USER_NAME} does not exist yet: run the set-up cell first.")
    ids = {k.key_id for k in obs.keys}
    if retire is not None and retire not in ids:
        raise WalkthroughError(f"{obs.user} has no key {retire}; its keys are {', '.join(sorted(ids)) or 'none'}.")
    held = obs.profile_key()
    steps: list[Step] = []
    old = [k.key_id for k in obs.keys if held is None or k.key_id != held.key_id]
    if len(obs.keys) >= MAX_KEYS:
        # Room for the new key first: IAM never allows a third.
        room = retire or (old[0] if held is not None else None)
        if room is None:
            raise KeyLimitError(
                f"{obs.user} has two keys ({', '.join(sorted(ids))}) and profile {profile!r} holds neither: "
                "say which one to retire (retire='<key ID>')."
            )
        steps += _retire(obs.user, room, "to make room: IAM allows two keys")
    steps.append(
        Step(
            "create",
            "access key",
            f"for {obs.user}",
            f"saved straight into profile {profile}",
            params={"user": obs.user, "profile": profile, "csv_path": None},
            api_action="iam:CreateAccessKey",
        )
    )
    steps.append(
        Step(
            "check",
            "profile",
            profile,
            "works with the new key (up to about a minute)",
            params={"profile": profile},
            api_action="sts:GetCallerIdentity",
        )
    )
    if held is not None and not any(s.name == held.key_id for s in steps):
        steps += _retire(obs.user, held.key_id, "the one the profile held before")
    return Plan(f"Rotate {obs.user}'s access key", tuple(steps), ())


def _retire(user: str, key_id: str, why: str) -> list[Step]:
    return [
        Step(
            "deactivate",
            "access key",
            key_id,
            why,
            params={"user": user, "key_id": key_id},
            api_action="iam:UpdateAccessKey",
        ),
        Step("delete", "access key", key_id, params={"user": user, "key_id": key_id}, api_action="iam:DeleteAccessKey"),
    ]
