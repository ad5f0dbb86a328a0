"""Notebook 06: remove what the lesson created, in the order IAM requires, plan first.

Submodules: ``inventory`` (read), ``plan`` (pure plans), ``apply``, ``profile`` (the aml-packt
profile), ``notebook`` (the one-call cells). Notebook cells call e.g. ``aml.cleanup.what_to_keep()``.
"""

from __future__ import annotations

from helpers.lazy import lazy_exports

_EXPORTS = {
    "take_inventory": "helpers.cleanup.inventory",
    "Inventory": "helpers.cleanup.inventory",
    "plan_teardown": "helpers.cleanup.plan",
    "TeardownOptions": "helpers.cleanup.plan",
    "ProfileState": "helpers.cleanup.plan",
    "apply_teardown": "helpers.cleanup.apply",
    "TeardownResult": "helpers.cleanup.apply",
    "profile_state": "helpers.cleanup.profile",
    "remove_profile": "helpers.cleanup.profile",
    "what_to_keep": "helpers.cleanup.notebook",
    "who_cleans_up": "helpers.cleanup.notebook",
    "acting_session": "helpers.cleanup.notebook",
    "plan_cleanup": "helpers.cleanup.notebook",
    "prepare": "helpers.cleanup.notebook",
    "Prepared": "helpers.cleanup.notebook",
    "apply_cleanup": "helpers.cleanup.notebook",
    "teardown": "helpers.cleanup.notebook",
    "inventory_table": "helpers.cleanup.notebook",
    "verify": "helpers.cleanup.notebook",
    "console_steps": "helpers.cleanup.notebook",
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
