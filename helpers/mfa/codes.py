"""MFA codes as people type them: clean, check the shape, and say why AWS refused a pair (notebook 04).

Pure functions, no API calls. The seed is only ever an argument held in memory by the caller
(the form that created the device, or the simulated authenticator); nothing here keeps it.
"""

from __future__ import annotations

import re
import time

import pyotp

from helpers.errors import WalkthroughError

DIGITS = 6
STEP = 30  # seconds per TOTP code (RFC 6238 default, what AWS uses)
# How far back and ahead the refusal diagnosis looks for a typed code (15 minutes each way: a clock
# 10 minutes off is still diagnosed as such, even when a new code starts while we look).
_SEARCH_STEPS = 30
_DIGITS_ONLY = re.compile(r"[0-9]+")


def clean_code(text: object, which: str = "code") -> tuple[str, bool]:
    """(the 6 digits, whether spaces were removed); WalkthroughError with one sentence for anything else."""
    raw = "" if text is None else str(text)
    code = "".join(raw.split())  # apps show "123 456": spaces anywhere are harmless
    if not code:
        raise WalkthroughError(f"The {which} is empty: type the 6 digits your authenticator app shows.")
    if not _DIGITS_ONLY.fullmatch(code):
        raise WalkthroughError(
            f"The {which} contains letters or symbols: type only the 6 digits your authenticator app shows."
        )
    if len(code) != DIGITS:
        raise WalkthroughError(
            f"The {which} has {len(code)} digits, but MFA codes have exactly {DIGITS}: "
            "type the whole code the app shows, no more and no less."
        )
    return code, code != raw


def clean_pair(code1: object, code2: object) -> tuple[str, str, list[str]]:
    """Two consecutive codes as AWS wants them, plus notes (e.g. "spaces removed")."""
    first, spaced1 = clean_code(code1, "first code")
    second, spaced2 = clean_code(code2, "second code")
    if first == second:
        raise WalkthroughError(
            "You typed the same code twice: AWS needs two consecutive codes. Wait until the app shows "
            "the next code (at most 30 seconds), then type that one as the second code."
        )
    notes = []
    if spaced1 or spaced2:
        notes.append("The spaces in the codes were removed (apps show them only for readability).")
    return first, second, notes


def _steps_of(totp: pyotp.TOTP, code: str, current: int) -> list[int]:
    return [s for s in range(current - _SEARCH_STEPS, current + _SEARCH_STEPS + 1) if totp.at(s * STEP) == code]


def refusal_reason(seed: str, code1: str, code2: str, now: float | None = None) -> str:
    """Why a pair of codes was refused, worked out from the device's seed (held in memory only)."""
    totp = pyotp.TOTP(seed)
    current = int((time.time() if now is None else now) // STEP)
    steps1, steps2 = _steps_of(totp, code1, current), _steps_of(totp, code2, current)
    if not steps1 and not steps2:
        return (
            "Neither code comes from this device: check you are reading the right entry in the app "
            "(an app can hold many accounts), that you scanned this device's QR code, and that the phone's "
            "clock is set automatically."
        )
    if not steps1 or not steps2:
        which = "first" if not steps1 else "second"
        return (
            f"The {which} code does not come from this device (or was mistyped): type two codes from the "
            "same entry in the app, one after the other."
        )
    if any(s2 == s1 + 1 for s1 in steps1 for s2 in steps2):
        s1 = max(s for s in steps1 if s + 1 in steps2)
        if s1 < current - 4:
            minutes = max(1, (current - s1) * STEP // 60)
            return f"The codes are right but too old (about {minutes} minute(s)): type two fresh consecutive codes."
        return (
            "The codes are right and consecutive, but AWS refused them: each code works only once (they may "
            "have been used already), or your computer's clock is off. Wait for two new codes and check the clock."
        )
    gap = min(abs(s2 - s1) for s1 in steps1 for s2 in steps2)
    if all(s2 < s1 for s1 in steps1 for s2 in steps2):
        return "The codes are in the wrong order: type the older code first, then the one that follows it."
    return (
        f"The codes are {gap} codes apart, not consecutive: type one code, wait for the very next one "
        "(it changes every 30 seconds), and type that as the second code."
    )
