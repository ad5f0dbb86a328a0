"""Notebook 02's one-call cells: where the account stands, the switch, the closing check.

These take the chosen account from ``helpers.account`` so a notebook cell is a single call.
"""

from __future__ import annotations

import pandas as pd

from helpers import account as account_logic
from helpers.users.check import check_capabilities
from helpers.users.observe import observe
from helpers.users.policies import GROUP_NAME, SERVICES, USER_NAME, USER_PROFILE
from helpers.users.switching import switch_to_profile


def standing(profile: str = USER_PROFILE) -> pd.DataFrame:
    """Where the account stands for notebook 02 (who is calling, what already exists), as a table."""
    chosen = account_logic.current_account()
    obs = observe(chosen.session(), chosen.files(), profile)
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
    return pd.DataFrame(rows, columns=["", "now"]).set_index("")


def switch(profile: str = USER_PROFILE) -> str:
    """Prove *profile* works (waiting up to ~20 s for a new key), then make it the active profile."""
    chosen = account_logic.current_account()
    arn = switch_to_profile(chosen.files(), profile, say=print)
    return f"Every later notebook now acts as {arn} (profile {profile!r})."


def closing_check(profile: str = USER_PROFILE) -> pd.DataFrame:
    """Run as AML@Packt: what it can do (S3, IAM reads) and cannot (delete the root's keys)."""
    chosen = account_logic.current_account()
    results = check_capabilities(chosen.session(profile), chosen.files())
    return pd.DataFrame(
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


def services_table() -> pd.DataFrame:
    """The service catalogue: each AWS managed policy, what it grants, and whether it is in the base set."""
    return pd.DataFrame(
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
