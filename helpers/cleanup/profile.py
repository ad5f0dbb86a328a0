"""The ``aml-packt`` profile: what it holds, and removing it with a dated backup (notebook 06).

Parsing goes through ``helpers.credentials.files`` (same rules and error sentences as notebook
01's save); only the named profile's sections are removed, every other line is kept.
"""

from __future__ import annotations

from pathlib import Path

from helpers.cleanup.plan_files import ProfileState
from helpers.credentials import files as profile_files
from helpers.credentials.profiles import list_profiles, saved_key_id
from helpers.sources import AwsFiles
from helpers.users.observe import profile_owner


def profile_state(files: AwsFiles, profile: str, user_keys: tuple[str, ...] = ()) -> ProfileState:
    """Whether *profile* is in *files*, its key ID, and (if not one of *user_keys*) whose key it is."""
    names = {p.name for p in list_profiles(files)}
    if profile not in names:
        return ProfileState(profile, present=False)
    key_id = saved_key_id(files, profile, masked=False)
    owner, dead = None, False
    if key_id is not None and key_id not in user_keys:
        try:
            owner, dead = profile_owner(files, profile)
        except Exception:  # noqa: BLE001 - unknown owner: the plan then leaves the profile alone
            owner, dead = "an identity that could not be checked", False
    return ProfileState(profile, True, key_id, owner, dead)


def remove_profile(files: AwsFiles, profile: str) -> list[Path]:
    """Remove *profile* from both files after a dated backup of each changed file; returns the backups."""
    return list(profile_files.remove_profile(files, profile).backups)
