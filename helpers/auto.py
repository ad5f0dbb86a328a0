"""Whether forms apply themselves: ``AML_WALKTHROUGH_AUTO=1`` (the test suite, an instructor catching up).

By default a learner presses each button: in the practice account a form shows its plan and waits
for the click. With the variable set, forms apply themselves and the simulated authenticator types
its own codes, so *Run All* completes the lesson headless. Used by every form in ``helpers.ui``.
"""

from __future__ import annotations

import os

ENV_VAR = "AML_WALKTHROUGH_AUTO"


def walkthrough_auto() -> bool:
    """True when ``AML_WALKTHROUGH_AUTO`` is set to 1/true/yes (forms then apply themselves)."""
    return os.environ.get(ENV_VAR, "").strip().lower() in {"1", "true", "yes", "on"}


def applies_itself(practice: bool) -> bool:
    """Whether a form on this account applies itself: only in the practice account, and only under auto.

    On a real account a form always waits for the learner (and the account ID typed), whatever the
    environment says; a caller may still pass ``auto=True`` explicitly.
    """
    return practice and walkthrough_auto()
