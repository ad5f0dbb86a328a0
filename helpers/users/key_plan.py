"""Plans for AML@Packt's access key: the set-up's key step, and a rotation (notebook 02). Pure: no AWS calls."""

from __future__ import annotations

from helpers.errors import WalkthroughError
from helpers.names import USER_NAME, USER_PROFILE
from helpers.plan import Plan
from helpers.users.records import MAX_KEYS, KeyLimitError, Observed, ProfileConflictError, Step


def key_steps(obs: Observed, profile: str, csv_path: str | None) -> tuple[list[Step], list[str]]:
    """The set-up's key step: none (the profile holds an active key), activate it, or create one; and notes."""
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
