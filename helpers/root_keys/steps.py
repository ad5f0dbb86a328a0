"""Notebook 03's one-call cells: where the root's keys stand, the three steps bound to the account, the check.

These take the chosen account from ``helpers.account``; the form gets plain callables
(``Actions``), so it never touches boto3.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd
from botocore.exceptions import ClientError

from helpers import account as account_logic
from helpers.errors import cell_guard, error_code
from helpers.identity import who_am_i
from helpers.names import ROOT_PROFILE, USER_PROFILE
from helpers.root_keys.apply import (
    check_no_root_keys,
    deactivate_root_keys,
    delete_root_keys,
    finish,
    verify_before_delete,
)
from helpers.root_keys.observe import KEYS_GONE, Observation, observe
from helpers.root_keys.plan import CheckResult, Proof, StepResult
from helpers.root_keys.profiles import has_profile, remove_profile
from helpers.tables import learner_table

# A root profile whose key AWS no longer accepts: deleted (or deactivated) already.
DEAD_KEY_CODES = {"InvalidClientTokenId", "UnrecognizedClientException"}


@dataclass(frozen=True)
class Actions:
    """Notebook 03's steps bound to one account, as plain callables (what the form calls)."""

    observe: Callable[[], Observation]
    deactivate: Callable[[], StepResult]
    verify: Callable[[], Proof]
    delete: Callable[[Proof | None, str | None, str | None], StepResult]
    check: Callable[[], CheckResult]
    practice: bool = False


def _user_profile(chosen: account_logic.Account, root_profile: str, user_profile: str) -> str:
    active = chosen.profile
    return active if active and active != root_profile else user_profile


def observe_account(
    chosen: account_logic.Account | None = None,
    root_profile: str = ROOT_PROFILE,
    user_profile: str = USER_PROFILE,
) -> Observation:
    """Observe as the root profile when it exists and still works, else as the active (IAM) profile."""
    chosen = chosen or account_logic.current_account()
    files = chosen.files()
    stale = ""
    if has_profile(files, root_profile):
        try:
            return observe(chosen.session(root_profile))
        except ClientError as exc:
            if error_code(exc) not in DEAD_KEY_CODES:
                raise
            stale = f"The profile {root_profile} holds a key AWS no longer accepts (deleted or deactivated)."
    obs = observe(chosen.session(_user_profile(chosen, root_profile, user_profile)))
    if stale and obs.situation == KEYS_GONE:
        # AWS says the root user has no keys: the dead profile is of no use any more, so it goes (with a backup).
        removed = remove_profile(files, root_profile)
        stale = (
            stale + " The root user has no access keys now, so it was removed: " + " ".join(removed.lines())
        ).strip()
    if stale:
        obs = replace(obs, note=(stale + " " + obs.note).strip())
    return obs


def _root_profile_dead(chosen: account_logic.Account, root_profile: str) -> bool:
    """True when AWS no longer accepts the root profile's key (deleted): the profile can go."""
    try:
        who_am_i(chosen.session(root_profile))
    except ClientError as exc:
        return error_code(exc) in DEAD_KEY_CODES
    except Exception:  # noqa: BLE001 - an unreadable profile is not proof that the key is gone
        return False
    return False


def actions_for_account(
    chosen: account_logic.Account | None = None,
    root_profile: str = ROOT_PROFILE,
    user_profile: str = USER_PROFILE,
) -> Actions:
    """The three steps (and the check) for the chosen account; sessions are built fresh per call."""
    chosen = chosen or account_logic.current_account()
    user = _user_profile(chosen, root_profile, user_profile)

    def deactivate() -> StepResult:
        return deactivate_root_keys(chosen.session(root_profile))

    def verify() -> Proof:
        return verify_before_delete(chosen.session(root_profile), chosen.files(), user)

    def delete(proof: Proof | None, accepted: str | None, typed: str | None) -> StepResult:
        if not has_profile(chosen.files(), root_profile):
            # Already deleted and tidied (a second click): say so and check, rather than fail on the missing profile.
            check = check_no_root_keys(chosen.session(user))
            return StepResult(
                "delete",
                check.passed is True,
                (f"Profile {root_profile} is already removed.", *check.lines()),
            )
        try:
            deleted = delete_root_keys(chosen.session(root_profile), proof, accepted, typed, practice=chosen.practice)
        except ClientError as exc:
            if error_code(exc) not in DEAD_KEY_CODES:
                raise
            # A second Delete after the first one deleted the profile's key: the key is gone, which is the goal.
            deleted = StepResult(
                "delete",
                True,
                (f"The key in profile {root_profile} was already deleted: AWS no longer accepts it.",),
                root_session_closed=True,
            )
        tidy = finish(chosen.files(), root_profile, user)
        if tidy.ok and (chosen.profile in (None, root_profile)):
            account_logic.use_profile(user)
            tidy = StepResult(tidy.step, True, (*tidy.done, f"The active profile is now {user}."), tidy.notes)
        return StepResult(
            "delete",
            deleted.ok and tidy.ok,
            deleted.done + deleted.notes + tidy.done,
            tidy.notes,
            deleted.root_session_closed,
        )

    def check() -> CheckResult:
        """The closing check; when it passes and the root profile is still there, finish the waiting step."""
        result = check_no_root_keys(chosen.session(user))
        if result.passed and has_profile(chosen.files(), root_profile) and _root_profile_dead(chosen, root_profile):
            tidy = finish(chosen.files(), root_profile, user, timeout=0)
            if tidy.ok:
                return CheckResult(True, " ".join([result.message, *tidy.done[1:]]))
        return result

    return Actions(
        lambda: observe_account(chosen, root_profile, user_profile), deactivate, verify, delete, check, chosen.practice
    )


@cell_guard
def standing() -> pd.DataFrame:
    """Where the root's keys stand (notebook 03): one row per key, or the account summary's answer."""
    obs = observe_account()
    if obs.keys:
        rows = [
            (
                k.key_id,
                k.status + ("" if k.active else " (still present)"),
                f"{k.created:%Y-%m-%d}" if k.created else "?",
                k.last_use(),
                "yes" if k.signs_this_session else "",
            )
            for k in obs.keys
        ]
        columns = ["root access key", "status", "created", "last used", "signs these calls"]
        return learner_table(pd.DataFrame(rows, columns=columns), "The root user's access keys")
    return learner_table(
        pd.DataFrame([(line,) for line in obs.lines()], columns=["where the account stands"]),
        "Where the account stands",
    )


@cell_guard
def closing_check() -> pd.DataFrame:
    """The closing check iam_no_root_access_key, run as the active profile (notebook 03; re-runnable)."""
    chosen = account_logic.current_account()
    result = check_no_root_keys(chosen.session(_user_profile(chosen, ROOT_PROFILE, USER_PROFILE)))
    rows = [("iam_no_root_access_key", result.status, result.message)]
    rows += [("", "", step) for step in result.steps]
    return learner_table(pd.DataFrame(rows, columns=["check", "result", "detail"]), "The closing check")
