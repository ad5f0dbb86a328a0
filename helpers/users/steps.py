"""Notebook 02's one-call cells: where the account stands, the switch, the closing check.

These take the chosen account from ``helpers.account`` so a notebook cell is a single call.
"""

from __future__ import annotations

import pandas as pd

from helpers import account as account_logic
from helpers.errors import cell_guard
from helpers.names import GROUP_NAME, USER_NAME, USER_PROFILE
from helpers.notice import Notice
from helpers.tables import learner_table
from helpers.users.apply import explain_step_error
from helpers.users.check import check_capabilities
from helpers.users.observe import observe
from helpers.users.policies import SERVICES
from helpers.users.switching import switch_to_profile


@cell_guard
def standing(profile: str = USER_PROFILE) -> pd.DataFrame | Notice:
    """Where the account stands for notebook 02 (who is calling, what already exists), as a table."""
    chosen = account_logic.current_account()
    try:
        obs = observe(chosen.session(), chosen.files(), profile)
    except Exception as exc:  # a sentence in the cell, never a traceback
        return Notice(explain_step_error(exc, "read", "account"), ok=False)
    held = obs.profile_key()
    rows = [
        ("Account", obs.account_id),
        ("Acting as", obs.caller_arn + (" (the root user)" if obs.caller_is_root else "")),
        ("User " + USER_NAME, obs.user_name or "not yet"),
        ("Group " + GROUP_NAME, ", ".join(sorted(obs.group_policies)) if obs.group_exists else "not yet"),
        ("Console password", "yes" if obs.login_profile else "no"),
        ("Access keys", ", ".join(f"{k.key_id} ({k.status})" for k in obs.keys) or "none"),
        (f"Profile {profile}", f"holds key {held.key_id}" if held else "no key of " + USER_NAME),
        ("Password policy", "set" if obs.password_policy else "none (AWS default)"),
    ]
    return learner_table(pd.DataFrame(rows, columns=["", "now"]).set_index(""), "Where the account stands")


@cell_guard
def switch(profile: str = USER_PROFILE, also_default: bool = False) -> Notice:
    """Prove *profile* works (waiting up to about a minute for a new key), then make it the active profile."""
    chosen = account_logic.current_account()
    try:
        arn = switch_to_profile(chosen.files(), profile, say=print, also_default=also_default)
    except Exception as exc:
        return Notice(f"{explain_step_error(exc, 'check', 'profile')} The active profile was not changed.", ok=False)
    return Notice(f"Every later notebook now acts as {arn} (profile {profile!r}).")


@cell_guard
def closing_check(profile: str = USER_PROFILE) -> pd.DataFrame | Notice:
    """Run as AML@Packt: what it can do (S3, IAM reads) and cannot (delete the root's keys)."""
    chosen = account_logic.current_account()
    try:
        results = check_capabilities(chosen.session(profile), chosen.files())
    except Exception as exc:
        return Notice(explain_step_error(exc, "check", "profile"), ok=False)
    frame = pd.DataFrame(
        [
            (
                r.action,
                "yes" if r.expected else "no",
                "allowed" if r.allowed else "refused",
                "as expected" if r.as_expected else "UNEXPECTED",
                r.detail,
            )
            for r in results
        ],
        columns=["action", "should work?", "AWS said", "verdict", "detail"],
    )
    return learner_table(frame, "What AML@Packt can and cannot do")


@cell_guard
def services_table() -> pd.DataFrame:
    """The service catalogue: each AWS managed policy, what it grants, and whether it is in the base set."""
    frame = pd.DataFrame(
        [
            (
                s.key,
                s.label,
                s.policy_name,
                "base" if s.base else "optional",
                s.grants + (f" {s.note}" if s.note else ""),
            )
            for s in SERVICES
        ],
        columns=["service", "name", "AWS managed policy", "set", "what it grants"],
    ).set_index("service")
    return learner_table(frame, "The services AML@Packt can be given")
