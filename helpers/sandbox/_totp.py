"""TOTP checks shared by the root layer (EnableMFADevice, console MFA) and the scenarios."""

from __future__ import annotations

import time

import pyotp

STEP = 30
# AWS tolerates some clock drift between the authenticator and its servers; a few steps back
# (a learner typing slowly) and one ahead (a fast clock) keep the lesson forgiving.
STEPS_BACK = 4
STEPS_AHEAD = 1


def matching_step(seed: str, code1: str, code2: str, after_step: int = -1, now: float | None = None) -> int | None:
    """The time step of *code2* if *code1*, *code2* are consecutive valid codes newer than *after_step*."""
    totp = pyotp.TOTP(seed)
    current = int((time.time() if now is None else now) // STEP)
    code1, code2 = str(code1).strip(), str(code2).strip()
    for step in range(current - STEPS_BACK, current + STEPS_AHEAD + 1):
        if step <= after_step:
            # Codes already used once (or older ones) are refused, as AWS does.
            continue
        if totp.at(step * STEP) == code1 and totp.at((step + 1) * STEP) == code2:
            return step + 1
    return None


def consecutive_codes(seed: str, now: float | None = None) -> tuple[str, str]:
    """Two consecutive codes ending at the current step (what a quick learner would type)."""
    totp = pyotp.TOTP(seed)
    current = int((time.time() if now is None else now) // STEP)
    return totp.at((current - 1) * STEP), totp.at(current * STEP)
