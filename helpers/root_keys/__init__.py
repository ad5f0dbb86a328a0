"""Notebook 03: delete the root user's access keys, after making sure the learner is not locked out.

``observe`` reads where the keys stand; ``plan`` has the pure plans, console steps and result
records; ``apply`` has the three steps (deactivate, verify, delete), the tidy-up (remove the root
profile, check as AML@Packt) and the closing check;
``profiles`` removes a profile with a backup; ``steps`` binds them to the chosen account for
the notebook's cells and the form. No widgets here.
"""

from __future__ import annotations

from helpers.names import ROOT_PROFILE, USER_PROFILE
from helpers.root_keys.apply import (
    ACCEPT_SENTENCE,
    accepted_console,
    check_no_root_keys,
    deactivate_root_keys,
    delete_root_keys,
    finish,
    reactivate_root_key,
    verify_before_delete,
)
from helpers.root_keys.observe import (
    KEYS_GONE,
    NOT_ROOT_KEYS_PRESENT,
    NOT_ROOT_UNKNOWN,
    ROOT_NO_KEYS,
    ROOT_WITH_KEYS,
    Observation,
    RootKey,
    keys_present,
    list_root_keys,
    observe,
    signing_key_id,
)
from helpers.root_keys.plan import (
    CheckResult,
    Proof,
    StepResult,
    console_steps,
    plan_deactivate,
    plan_delete,
    reactivation_steps,
)
from helpers.root_keys.profiles import RemoveResult, has_profile, remove_profile
from helpers.root_keys.steps import Actions, actions_for_account, closing_check, observe_account, standing

__all__ = [
    "ACCEPT_SENTENCE",
    "KEYS_GONE",
    "NOT_ROOT_KEYS_PRESENT",
    "NOT_ROOT_UNKNOWN",
    "ROOT_NO_KEYS",
    "ROOT_PROFILE",
    "ROOT_WITH_KEYS",
    "USER_PROFILE",
    "Actions",
    "CheckResult",
    "Observation",
    "Proof",
    "RemoveResult",
    "RootKey",
    "StepResult",
    "accepted_console",
    "actions_for_account",
    "check_no_root_keys",
    "closing_check",
    "console_steps",
    "deactivate_root_keys",
    "delete_root_keys",
    "finish",
    "has_profile",
    "keys_present",
    "list_root_keys",
    "observe",
    "observe_account",
    "plan_deactivate",
    "plan_delete",
    "reactivate_root_key",
    "reactivation_steps",
    "remove_profile",
    "signing_key_id",
    "standing",
    "verify_before_delete",
]
