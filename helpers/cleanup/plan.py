"""Pure teardown plans for notebook 06: from an inventory to the ordered list of removals.

Nothing here calls AWS. The order is the one IAM requires before ``DeleteUser`` (AWS docs,
"Deleting an IAM user": keys, password, MFA devices, groups, policies, certificates, SSH keys,
service-specific credentials, then the user). What the lesson created (notebook 02: the user,
its password and keys, its membership of aml-packt-users, the group, its catalogue policies and
the customer-managed aml-packt-self-service-mfa, the password policy, the profile; notebook 04:
AML@Packt's virtual MFA device AML-Packt-phone) is removed by default or by a tick; anything
else found on the user or group is listed and left alone unless the learner ticks
``remove_extras``.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers.cleanup.backups import BackupSurvey
from helpers.cleanup.inventory import GroupInventory, Inventory, UserInventory
from helpers.cleanup.kinds import CALLS, GROUP_KINDS, USER_KINDS, Kind, Step
from helpers.cleanup.plan_files import ProfileState, backup_steps, profile_step
from helpers.identity import partition_of
from helpers.mfa.devices import DEFAULT_DEVICE_NAME
from helpers.names import GROUP_NAME
from helpers.plan import Plan
from helpers.users.plan import self_service_policy_arn
from helpers.users.policies import SERVICES

__all__ = ["ProfileState", "Step", "TeardownOptions", "blocked", "group_extras", "plan_teardown", "user_extras"]

CATALOGUE_ARNS = frozenset(s.policy_arn for s in SERVICES)


def catalogue_arns(partition: str = "aws") -> frozenset[str]:
    """The ARNs of the service catalogue's managed policies in *partition* (the caller's)."""
    return frozenset(s.arn_in(partition) for s in SERVICES)


def lesson_device_serial(account_id: str, partition: str = "aws") -> str:
    """The serial of the virtual MFA device notebook 04 creates for AML@Packt (the lesson's own)."""
    return f"arn:{partition}:iam::{account_id}:mfa/{DEFAULT_DEVICE_NAME}"


@dataclass(frozen=True)
class TeardownOptions:
    """What the learner ticked: the user by default; the group and password policy only if asked."""

    remove_user: bool = True
    remove_extras: bool = False
    remove_group: bool = False
    remove_password_policy: bool = False
    remove_profile: bool = True
    # Backups of the credentials file holding only keys that no longer exist: dead secrets on disk,
    # nothing a learner can use again, so deleting them is the default (issue 15).
    remove_old_backups: bool = True


def _short(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _kind_of(serial: str) -> str:
    return "virtual MFA device" if ":mfa/" in serial else "MFA device"


def user_extras(inv: Inventory) -> list[str]:
    """What is on the user that notebook 02 did not put there (needs the learner's tick)."""
    u = inv.user
    if u is None:
        return []
    ours = lesson_device_serial(inv.account_id, partition_of(inv.caller_arn))
    out = [f"{_kind_of(s)} {s}" for s in u.mfa_devices if s != ours]
    return out + _extras(USER_KINDS, u, {GROUP_NAME})


def group_extras(inv: Inventory) -> list[str]:
    """What is on the group that the lesson's service catalogue did not attach."""
    g = inv.group
    if g is None:
        return []
    partition = partition_of(inv.caller_arn)
    ours = catalogue_arns(partition) | {self_service_policy_arn(inv.account_id, partition)}
    return _extras(GROUP_KINDS, g, ours)


def _extras(kinds: tuple[Kind, ...], found: UserInventory | GroupInventory, ours: set[str] | frozenset[str]) -> list:
    """What of *kinds* is on *found* and not among *ours* (what the lesson made), as the plan names it."""
    return [
        kind.words(kind.extra, found.name, item)
        for kind in kinds
        if kind.extra
        for item in getattr(found, kind.field)
        if item not in ours
    ]


def _step(verb: str, kind: str, name: str, detail: str, action: str, params: dict) -> Step:
    """A plan line for one IAM call in ``kinds.CALLS`` (which names its API action)."""
    return Step(verb, kind, name, detail, action, params, api_action=f"iam:{CALLS[action].api}")


def _removals(kind: Kind, owner: str, items: tuple[str, ...]) -> list[Step]:
    """One plan line per item of *kind* found on *owner* (a user or group name)."""
    return [
        _step(
            kind.verb,
            kind.kind,
            kind.words(kind.name, owner, item),
            kind.words(kind.detail, owner, item),
            kind.action,
            {kind.owner: owner, kind.param: item},
        )
        for item in items
    ]


def _password_and_devices(n: str, login_profile: bool, devices: tuple[str, ...]) -> list[Step]:
    """The console password, then each MFA device: deactivated, and deleted too when virtual."""
    steps = []
    if login_profile:
        steps.append(_step("delete", "console password", f"of {n}", "", "delete_login_profile", {"user": n}))
    for serial in devices:
        params = {"user": n, "serial": serial}
        steps.append(_step("deactivate", _kind_of(serial), serial, f"of {n}", "deactivate_mfa", params))
        if ":mfa/" in serial:  # hardware and passkey devices are only deactivated; virtual ones are deleted
            steps.append(_step("delete", "virtual MFA device", serial, "", "delete_virtual_mfa", {"serial": serial}))
    return steps


def _user_steps(inv: Inventory) -> list[Step]:
    u = inv.user
    assert u is not None
    steps = []
    for kind in USER_KINDS:  # IAM's order: keys, password and MFA devices, groups, policies, credentials
        if kind.field == "mfa_devices":
            steps += _password_and_devices(u.name, u.login_profile, u.mfa_devices)
        else:
            steps += _removals(kind, u.name, getattr(u, kind.field))
    steps.append(_step("delete", "user", u.name, "", "delete_user", {"user": u.name}))
    return steps


def _group_steps(inv: Inventory) -> list[Step]:
    g = inv.group
    assert g is not None
    steps = [s for kind in GROUP_KINDS for s in _removals(kind, g.name, getattr(g, kind.field))]
    steps.append(_step("delete", "group", g.name, "", "delete_group", {"group": g.name}))
    own = self_service_policy_arn(inv.account_id, partition_of(inv.caller_arn))
    if own in g.attached_policies:
        # The lesson's own customer-managed policy outlives the group unless deleted (AWS managed ones cannot be).
        steps.append(
            Step(
                "delete",
                "policy",
                _short(own),
                "customer managed",
                "delete_managed_policy",
                {"arn": own},
                api_action="iam:DeletePolicy",
            )
        )
    return steps


def _kept_for_extras(extras: list[str], opts: TeardownOptions, kept: str, notes: list[str]) -> bool:
    """True, with the note *kept* said, when *extras* keep the user or group (the learner did not tick them)."""
    if extras and not opts.remove_extras:
        notes.append(kept)
        return True
    return False


def plan_teardown(
    inv: Inventory,
    profile: ProfileState | None = None,
    options: TeardownOptions | None = None,
    backups: BackupSurvey | None = None,
) -> Plan:
    """The ordered removals for notebook 06, with notes saying what is kept and why.

    *backups*: the credentials file's backups holding only keys that no longer exist (``cleanup.backups``).
    """
    opts = options or TeardownOptions()
    steps: list[Step] = []
    notes: list[str] = []
    user_goes = False
    u = inv.user
    if inv.unseen:
        refused = "; ".join(f"{what} ({action})" for what, action in inv.unseen.items())
        notes.append(
            f"Could not see everything: {refused} was refused to {inv.caller_arn}. Nothing of the user is "
            "removed until every kind can be listed: run this as an administrator (or the root user in the "
            "console), who can list them all."
        )
    if u is not None and opts.remove_user and inv.caller_arn == u.arn:
        notes.append(
            f"You are acting as {u.name} itself: a user cannot tear itself down (and AML@Packt may only read IAM). "
            "Run the teardown as an administrator, or as the root user in the console (steps below)."
        )
    elif u is not None and opts.remove_user and not inv.unseen:
        extras = user_extras(inv)
        kept = (
            f"{u.name} has things this lesson did not create: {', '.join(extras)}. The user is kept. Tick "
            "'Also remove what I added' to remove them with the user, or remove them yourself first."
        )
        if not _kept_for_extras(extras, opts, kept, notes):
            steps += _user_steps(inv)
            user_goes = True
    elif u is not None and not opts.remove_user:
        notes.append(f"{u.name} is kept (the book goes on with it), with its keys and password.")
    elif u is None and "the user" not in inv.unseen:
        notes.append("There is no user AML@Packt: nothing of it to remove.")
    g = inv.group
    if g is not None and opts.remove_group and not inv.unseen:
        others = [m for m in g.members if not (user_goes and u is not None and m == u.name)]
        extras = group_extras(inv)
        kept = (
            f"Group {g.name} is kept: it has things this lesson did not attach ({', '.join(extras)}). Tick "
            "'Also remove what I added' to remove them with it."
        )
        if others:
            notes.append(
                f"Group {g.name} is kept: it still has members ({', '.join(others)}) that this teardown does "
                "not remove."
            )
        elif not _kept_for_extras(extras, opts, kept, notes):
            steps += _group_steps(inv)
    elif g is not None and not opts.remove_group:
        notes.append(f"Group {g.name} is kept (tick 'Remove the group' to remove it).")
    if inv.password_policy and opts.remove_password_policy:
        default = "the account then uses AWS's 8-character default"
        steps.append(_step("delete", "account password policy", "(CIS)", default, "delete_password_policy", {}))
    elif inv.password_policy:
        notes.append("The account password policy is kept (it protects any future IAM user).")
    if profile is not None and profile.present and opts.remove_profile:
        steps, notes = profile_step(profile, inv, user_goes, steps, notes)
    steps, notes = backup_steps(inv, profile, backups, opts.remove_old_backups, user_goes, steps, notes)
    return Plan("Clean up the lesson's IAM user", tuple(steps), tuple(notes))


def blocked(plan: Plan) -> bool:
    """True when the plan could not see everything (so it will not delete the user)."""
    return any(n.startswith("Could not see everything") for n in plan.notes)
