"""The teardown's plan lines for the learner's own files: the ``aml-packt`` profile, credentials-file backups.

Part of notebook 06's pure plan (``plan.plan_teardown`` calls these after the IAM removals):
nothing here reads or writes a file; ``profile`` and ``backups`` do, when the plan is applied.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers.cleanup.backups import BackupSurvey
from helpers.cleanup.inventory import Inventory
from helpers.cleanup.kinds import Step
from helpers.names import USER_PROFILE


@dataclass(frozen=True)
class ProfileState:
    """The ``aml-packt`` profile as found in the account's files (the key ID is not a secret)."""

    name: str = USER_PROFILE
    present: bool = False
    key_id: str | None = None
    owner_arn: str | None = None  # who STS says the key belongs to, when it is not one of the user's keys
    dead: bool = False  # AWS no longer accepts the key


BACKUP_KIND = "credentials-file backup"


def _keys(ids: tuple[str, ...] | list[str]) -> str:
    return f"key {ids[0]}" if len(ids) == 1 else f"keys {', '.join(ids)}"


def backup_steps(
    inv: Inventory,
    profile: ProfileState | None,
    backups: BackupSurvey | None,
    remove_old_backups: bool,
    user_goes: bool,
    steps: list[Step],
    notes: list[str],
) -> tuple[list[Step], list[str]]:
    """Credentials-file backups holding deleted keys: listed by path and key ID, deleted if ticked."""
    live = set(inv.user.access_keys) if inv.user is not None and not user_goes else set()
    survey = backups or BackupSurvey()
    stale = [b for b in survey.stale if not set(b.key_ids) & live]
    if stale and remove_old_backups:
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
    if remove_old_backups and (user_goes or any(s.action == "remove_profile" for s in steps)):
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


def profile_step(
    profile: ProfileState, inv: Inventory, user_goes: bool, steps: list[Step], notes: list[str]
) -> tuple[list[Step], list[str]]:
    """The profile goes when no working key of anyone else is left in it; otherwise a note says why it stays."""
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
