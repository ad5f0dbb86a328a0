"""Notebook 06: remove what the lesson created, in the order IAM requires, plan first.

Submodules: ``inventory`` (read), ``plan`` (pure plans), ``apply``, ``profile`` (the aml-packt
profile), ``notebook`` (the one-call cells). Notebook cells call e.g. ``aml.cleanup.what_to_keep()``.
``aml.cleanup`` loads on first use (the lazy ``helpers`` package); inside it everything imports plainly.
"""

from __future__ import annotations

from helpers.cleanup.apply import TeardownResult, apply_teardown
from helpers.cleanup.inventory import Inventory, take_inventory
from helpers.cleanup.notebook import (
    Prepared,
    acting_session,
    apply_cleanup,
    console_steps,
    inventory_table,
    plan_cleanup,
    prepare,
    teardown,
    verify,
    what_to_keep,
    who_cleans_up,
)
from helpers.cleanup.plan import ProfileState, TeardownOptions, plan_teardown
from helpers.cleanup.profile import profile_state, remove_profile

__all__ = [
    "Inventory",
    "Prepared",
    "ProfileState",
    "TeardownOptions",
    "TeardownResult",
    "acting_session",
    "apply_cleanup",
    "apply_teardown",
    "console_steps",
    "inventory_table",
    "plan_cleanup",
    "plan_teardown",
    "prepare",
    "profile_state",
    "remove_profile",
    "take_inventory",
    "teardown",
    "verify",
    "what_to_keep",
    "who_cleans_up",
]
