"""Notebook 04: MFA for the root user (console, verified from code) and for AML@Packt (from code).

Modules: ``codes`` (what people type), ``verify`` (three sources for root MFA), ``devices`` (a
user's own virtual devices), ``sessions`` (the MFA session AWS requires for a second device),
``unfinished`` (devices this kernel created and has not enabled), ``clock`` (is the local clock
right?), ``policies`` (MFA policies as dicts). The one-call helpers below take the chosen account
from ``helpers.account``. No widgets here: the forms are in ``helpers.ui.mfa_form``.
"""

from __future__ import annotations

from typing import Any

from helpers import account as account_logic
from helpers.errors import cell_guard, explain
from helpers.identity import Identity, who_am_i
from helpers.mfa import clock, codes, devices, policies, verify
from helpers.mfa.clock import ClockCheck
from helpers.mfa.verify import RootMfaCheck
from helpers.notice import Notice

__all__ = [
    "ROOT_CONSOLE_STEPS",
    "ClockCheck",
    "RootMfaCheck",
    "caller",
    "check_root_mfa",
    "clock",
    "clock_check",
    "codes",
    "console_stand_in",
    "devices",
    "policies",
    "sentence",
    "verify",
]

# What the root user does in the AWS console (AWS: "Enable a virtual MFA device for the root user").
ROOT_CONSOLE_STEPS = (
    "Sign in to the AWS Management Console as the root user (choose 'Root user' and type the account's email "
    "address and password).",
    "Open the account menu (your account name, top right) and choose 'Security credentials'.",
    "In 'Multi-factor authentication (MFA)', choose 'Assign MFA device'.",
    "Name the device (e.g. root-phone) and choose 'Authenticator app'. Alternatives: 'Passkey or security "
    "key' (a FIDO key or your device's passkey), or a hardware TOTP token.",
    "Choose 'Show QR code' and scan it with the authenticator app on your phone.",
    "Type two consecutive codes: the code the app shows now, then wait for it to change and type the next one. "
    "Choose 'Add MFA'.",
    "Register a second device as a backup (AWS allows up to 8), so that losing one phone does not lock you out.",
    "Come back here as AML@Packt and run the check: it reads the result from the API.",
)


def _session(profile: str | None = None):
    return account_logic.current_account().session(profile)


def check_root_mfa(profile: str | None = None, max_wait: float = verify.DEFAULT_MAX_WAIT) -> RootMfaCheck:
    """Ask the three sources about root MFA as the active profile (AML@Packt), notebook 04's check."""
    return verify.check_root_mfa(_session(profile), max_wait=max_wait)


def sentence(exc: BaseException) -> str:
    """One sentence for *exc*: ``explain``, plus the account choice's own message (no profile yet)."""
    if isinstance(exc, account_logic.AccountChoiceError):
        return str(exc)
    return explain(exc)


@cell_guard
def clock_check(profile: str | None = None) -> ClockCheck | Notice:
    """Compare this computer's clock with the account's (warns beyond 30 s), notebook 04."""
    try:
        return clock.check_clock(_session(profile))
    except Exception as exc:  # a sentence in the cell, never a traceback
        return Notice(f"The clock could not be compared: {sentence(exc)}", ok=False)


def caller(profile: str | None = None) -> tuple[Any, Identity]:
    """(a fresh session for the active profile, who it is), for notebook 04's device form."""
    session = _session(profile)
    return session, who_am_i(session)


def console_stand_in(step: str, **context: Any) -> Any:
    """The account's stand-in for a console-only *step* (e.g. "root-mfa"), or None on a real account.

    Account sources may offer ``console_stand_in(step, **context)``; a real account has no stand-in:
    the learner uses the real console.
    """
    source = account_logic.current_account().source
    hook = getattr(source, "console_stand_in", None)
    if hook is None:
        return None
    return hook(step, **context)
