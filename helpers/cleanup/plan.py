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

from dataclasses import dataclass, field

from helpers.cleanup.backups import BackupSurvey
from helpers.cleanup.inventory import Inventory
from helpers.identity import partition_of
from helpers.mfa.devices import DEFAULT_DEVICE_NAME
from helpers.names import GROUP_NAME, USER_PROFILE
from helpers.plan import Change, Plan
from helpers.users.plan import self_service_policy_arn
from helpers.users.policies import SERVICES

CATALOGUE_ARNS = frozenset(s.policy_arn for s in SERVICES)


def catalogue_arns(partition: str = "aws") -> frozenset[str]:
    """The ARNs of the service catalogue's managed policies in *partition* (the caller's)."""
    return frozenset(s.arn_in(partition) for s in SERVICES)


def lesson_device_serial(account_id: str, partition: str = "aws") -> str:
    """The serial of the virtual MFA device notebook 04 creates for AML@Packt (the lesson's own)."""
    return f"arn:{partition}:iam::{account_id}:mfa/{DEFAULT_DEVICE_NAME}"


@dataclass(frozen=True)
class Step(Change):
    """A plan line plus what applying it needs: an action name and its parameters (no secrets)."""

    action: str = field(default="", compare=False)
    params: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class ProfileState:
    """The ``aml-packt`` profile as found in the account's files (the key ID is not a secret)."""

    name: str = USER_PROFILE
    present: bool = False
    key_id: str | None = None
    owner_arn: str | None = None  # who STS says the key belongs to, when it is not one of the user's keys
    dead: bool = False  # AWS no longer accepts the key


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
    out += [f"membership of group {g}" for g in u.groups if g != GROUP_NAME]
    out += [f"attached policy {_short(a)}" for a in u.attached_policies]
    out += [f"inline policy {p}" for p in u.inline_policies]
    out += [f"signing certificate {c}" for c in u.signing_certificates]
    out += [f"SSH public key {k}" for k in u.ssh_public_keys]
    out += [f"service-specific credential {c}" for c in u.service_credentials]
    return out


def group_extras(inv: Inventory) -> list[str]:
    """What is on the group that the lesson's service catalogue did not attach."""
    g = inv.group
    if g is None:
        return []
    partition = partition_of(inv.caller_arn)
    ours = catalogue_arns(partition) | {self_service_policy_arn(inv.account_id, partition)}
    out = [f"attached policy {_short(a)}" for a in g.attached_policies if a not in ours]
    return out + [f"inline policy {p}" for p in g.inline_policies]


def _user_steps(inv: Inventory) -> list[Step]:
    u = inv.user
    assert u is not None
    n = u.name
    steps = [
        Step(
            "delete",
            "access key",
            k,
            f"of {n}",
            "delete_access_key",
            {"user": n, "key_id": k},
            api_action="iam:DeleteAccessKey",
        )
        for k in u.access_keys
    ]
    if u.login_profile:
        steps.append(
            Step(
                "delete",
                "console password",
                f"of {n}",
                "",
                "delete_login_profile",
                {"user": n},
                api_action="iam:DeleteLoginProfile",
            )
        )
    for serial in u.mfa_devices:
        steps.append(
            Step(
                "deactivate",
                _kind_of(serial),
                serial,
                f"of {n}",
                "deactivate_mfa",
                {"user": n, "serial": serial},
                api_action="iam:DeactivateMFADevice",
            )
        )
        if ":mfa/" in serial:  # hardware and passkey devices are only deactivated; virtual ones are deleted
            steps.append(
                Step(
                    "delete",
                    "virtual MFA device",
                    serial,
                    "",
                    "delete_virtual_mfa",
                    {"serial": serial},
                    api_action="iam:DeleteVirtualMFADevice",
                )
            )
    steps += [
        Step(
            "remove",
            "user",
            n,
            f"from group {g}",
            "remove_from_group",
            {"user": n, "group": g},
            api_action="iam:RemoveUserFromGroup",
        )
        for g in u.groups
    ]
    steps += [
        Step(
            "detach",
            "policy",
            _short(a),
            f"from user {n}",
            "detach_user_policy",
            {"user": n, "arn": a},
            api_action="iam:DetachUserPolicy",
        )
        for a in u.attached_policies
    ]
    steps += [
        Step(
            "delete",
            "inline policy",
            p,
            f"of user {n}",
            "delete_user_policy",
            {"user": n, "policy": p},
            api_action="iam:DeleteUserPolicy",
        )
        for p in u.inline_policies
    ]
    steps += [
        Step(
            "delete",
            "signing certificate",
            c,
            f"of {n}",
            "delete_signing_certificate",
            {"user": n, "id": c},
            api_action="iam:DeleteSigningCertificate",
        )
        for c in u.signing_certificates
    ]
    steps += [
        Step(
            "delete",
            "SSH public key",
            k,
            f"of {n}",
            "delete_ssh_public_key",
            {"user": n, "id": k},
            api_action="iam:DeleteSSHPublicKey",
        )
        for k in u.ssh_public_keys
    ]
    steps += [
        Step(
            "delete",
            "service-specific credential",
            c,
            f"of {n}",
            "delete_service_credential",
            {"user": n, "id": c},
            api_action="iam:DeleteServiceSpecificCredential",
        )
        for c in u.service_credentials
    ]
    steps.append(Step("delete", "user", n, "", "delete_user", {"user": n}, api_action="iam:DeleteUser"))
    return steps


def _group_steps(inv: Inventory) -> list[Step]:
    g = inv.group
    assert g is not None
    steps = [
        Step(
            "detach",
            "policy",
            _short(a),
            f"from group {g.name}",
            "detach_group_policy",
            {"group": g.name, "arn": a},
            api_action="iam:DetachGroupPolicy",
        )
        for a in g.attached_policies
    ]
    steps += [
        Step(
            "delete",
            "inline policy",
            p,
            f"of group {g.name}",
            "delete_group_policy",
            {"group": g.name, "policy": p},
            api_action="iam:DeleteGroupPolicy",
        )
        for p in g.inline_policies
    ]
    steps.append(Step("delete", "group", g.name, "", "delete_group", {"group": g.name}, api_action="iam:DeleteGroup"))
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
        if extras and not opts.remove_extras:
            notes.append(
                f"{u.name} has things this lesson did not create: {', '.join(extras)}. The user is kept. Tick "
                "'Also remove what I added' to remove them with the user, or remove them yourself first."
            )
        else:
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
        if others:
            notes.append(
                f"Group {g.name} is kept: it still has members ({', '.join(others)}) that this teardown does "
                "not remove."
            )
        elif extras and not opts.remove_extras:
            notes.append(
                f"Group {g.name} is kept: it has things this lesson did not attach ({', '.join(extras)}). Tick "
                "'Also remove what I added' to remove them with it."
            )
        else:
            steps += _group_steps(inv)
    elif g is not None and not opts.remove_group:
        notes.append(f"Group {g.name} is kept (tick 'Remove the group' to remove it).")
    if inv.password_policy and opts.remove_password_policy:
        steps.append(
            Step(
                "delete",
                "account password policy",
                "(CIS)",
                "the account then uses AWS's 8-character default",
                "delete_password_policy",
                api_action="iam:DeleteAccountPasswordPolicy",
            )
        )
    elif inv.password_policy:
        notes.append("The account password policy is kept (it protects any future IAM user).")
    if profile is not None and profile.present and opts.remove_profile:
        steps, notes = _profile_step(profile, inv, user_goes, steps, notes)
    steps, notes = _backup_steps(inv, profile, backups, opts, user_goes, steps, notes)
    return Plan("Clean up the lesson's IAM user", tuple(steps), tuple(notes))


BACKUP_KIND = "credentials-file backup"


def _keys(ids: tuple[str, ...] | list[str]) -> str:
    return f"key {ids[0]}" if len(ids) == 1 else f"keys {', '.join(ids)}"


def _backup_steps(
    inv: Inventory,
    profile: ProfileState | None,
    backups: BackupSurvey | None,
    opts: TeardownOptions,
    user_goes: bool,
    steps: list[Step],
    notes: list[str],
) -> tuple[list[Step], list[str]]:
    """Credentials-file backups holding deleted keys: listed by path and key ID, deleted if ticked."""
    live = set(inv.user.access_keys) if inv.user is not None and not user_goes else set()
    survey = backups or BackupSurvey()
    stale = [b for b in survey.stale if not set(b.key_ids) & live]
    if stale and opts.remove_old_backups:
        steps += [
            Step(
                "delete",
                BACKUP_KIND,
                str(b.path),
                f"it holds only {_keys(b.key_ids)}, which no longer exist{'s' if len(b.key_ids) == 1 else ''}: "
                "the secret goes from this disk",
                "delete_backup",
                {"path": str(b.path)},
            )
            for b in stale
        ]
    elif stale:
        listed = "; ".join(f"{b.path} ({_keys(b.key_ids)})" for b in stale)
        notes.append(
            f"{len(stale)} backup(s) of the credentials file hold only keys that no longer exist: {listed}. They are "
            "kept; tick 'Delete credentials-file backups holding deleted keys' to delete them."
        )
    # Removing the profile backs the file up first, and earlier saves left backups of the user's key: once
    # the keys are deleted above, backups holding only them are dead secrets too.
    if opts.remove_old_backups and (user_goes or any(s.action == "remove_profile" for s in steps)):
        deleted = list(inv.user.access_keys) if user_goes and inv.user is not None else []
        if profile is not None and profile.dead and profile.key_id and profile.key_id not in deleted:
            deleted.append(profile.key_id)
        if deleted:
            removes_profile = any(s.action == "remove_profile" for s in steps)
            also = "; including the backup made when the profile is removed" if removes_profile else ""
            steps.append(
                Step(
                    "delete",
                    BACKUP_KIND + "s",
                    f"holding only {_keys(deleted)} or keys that no longer exist",
                    "deleted above" + also,
                    "delete_backups_holding_only",
                    {"key_ids": deleted + sorted(set(survey.gone_keys) - set(deleted))},
                )
            )
    return steps, notes


def _profile_step(
    profile: ProfileState, inv: Inventory, user_goes: bool, steps: list[Step], notes: list[str]
) -> tuple[list[Step], list[str]]:
    u = inv.user
    user_gone = u is None or user_goes
    if u is not None and profile.key_id in u.access_keys:
        removable = user_goes  # the user's own key: the profile goes with the user
    elif profile.key_id is None or profile.dead:
        removable = user_gone  # no working key left in it
    else:
        removable = False
        notes.append(
            f"Profile {profile.name} holds a key of {profile.owner_arn or 'another identity'}, not of AML@Packt: "
            "it is left alone."
        )
        return steps, notes
    if removable:
        steps.append(
            Step(
                "remove",
                "profile",
                profile.name,
                "a dated backup of each file is kept",
                "remove_profile",
                {"profile": profile.name},
            )
        )
    else:
        notes.append(f"Profile {profile.name} is kept: the user whose key it holds is kept.")
    return steps, notes


def blocked(plan: Plan) -> bool:
    """True when the plan could not see everything (so it will not delete the user)."""
    return any(n.startswith("Could not see everything") for n in plan.notes)
