"""Where the learner is in the lesson, read from the live account, and jumping to a notebook's start.

``you_are_here("04")`` heads a notebook with one line: which notebook the account's state
matches and what comes next. ``start_from("03")`` puts a practice account (and its profiles) in
the state at the start of notebook 03, through the account source's optional ``reset_to`` hook;
on a real account it explains why that cannot be done. Used by every notebook and INSTRUCTORS.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from helpers import account as account_logic
from helpers import aws
from helpers.errors import WalkthroughError, cell_guard, error_code, explain
from helpers.names import USER_NAME
from helpers.notice import sentence_html

NOTEBOOKS = {
    "00": "Start here",
    "01": "Set up credentials",
    "02": "Create AML@Packt",
    "03": "Delete the root access keys",
    "04": "Turn on root MFA",
    "05": "Security status",
    "06": "Clean up",
}


@dataclass(frozen=True)
class Position:
    """Which notebook's start the account matches, and the evidence, as one line."""

    stage: str  # "01".."06"; "done" after the clean-up
    evidence: str
    notebook: str | None = None  # the notebook asking
    note: str = ""

    def line(self) -> str:
        """ "You are here: …" in one sentence (two when this notebook is ahead of the account)."""
        if self.stage == "done":
            where = "the lesson is done and cleaned up"
        elif self.stage == "05":
            where = "your account is secured, ready for notebooks 05 (Security status) and 06 (Clean up)"
        else:
            where = f"your account is ready for notebook {self.stage} ({NOTEBOOKS[self.stage]})"
        out = f"You are here: {where}. {self.evidence}"
        # The account looks the same at the start of 05 and of 06: both are "ready".
        ready_for = {self.stage, "06"} if self.stage == "05" else {self.stage}
        if self.notebook and self.stage != "done" and self.notebook not in ready_for and self.notebook > self.stage:
            out += (
                f" This is notebook {self.notebook}: go back to notebook {self.stage} first, or in the practice "
                f'account jump ahead with aml.progress.start_from("{self.notebook}").'
            )
        if self.note:
            out += f" {self.note}"
        return out

    __str__ = line

    def __repr__(self) -> str:
        return self.line()

    def _repr_html_(self) -> str:
        # No emoji: a pin glyph needs a font many machines lack, and shows as an empty box there.
        text = self.line().removeprefix("You are here: ")
        return f'<div class="aml-progress-here" style="color:#57606a"><b>You are here:</b> {sentence_html(text)}</div>'


def stage_of(keys_present: bool, mfa_on: bool, user_exists: bool, root_password: bool = True) -> tuple[str, str]:
    """(stage, evidence) from the facts of one snapshot; pure, so every combination is testable.

    ``root_password`` False (AccountPasswordPresent = 0: a member account whose root credentials were
    removed centrally) makes root MFA unnecessary, as CIS v5.0 1.4 says: notebook 04 is then not waited for.
    """
    if not keys_present and not mfa_on and not root_password and user_exists:
        return "05", (
            "The root user has no password and no access keys (removed centrally in an AWS Organization), "
            "so it needs no MFA: the account is secured."
        )
    if user_exists and keys_present:
        return "03", f"{USER_NAME} exists and the root user still has an access key."
    if keys_present:
        return "02", f"The root user has an access key and there is no {USER_NAME} yet."
    if not mfa_on:
        if user_exists:
            return "04", "The root's access keys are gone; the root user has no MFA yet."
        return "02", f"There is no {USER_NAME} yet."
    if user_exists:
        return "05", "The root's access keys are gone and root MFA is on: the account is secured."
    return "done", f"Root MFA is on, no root keys, and {USER_NAME} has been removed."


def _read(session) -> tuple[dict, bool]:
    iam = aws.client(session, "iam")
    summary = iam.get_account_summary()["SummaryMap"]
    try:
        iam.get_user(UserName=USER_NAME)
        exists = True
    except ClientError as exc:
        if error_code(exc) != "NoSuchEntity":
            raise
        exists = False
    return summary, exists


@cell_guard
def you_are_here(notebook: str | None = None) -> Position:
    """Read the account (two calls) and say which notebook it is ready for (top of every notebook)."""
    try:
        chosen = account_logic.current_account()
        summary, user_exists = _read(chosen.session())
    except account_logic.AccountChoiceError:
        if _cleaned_up():
            return Position(
                "done",
                "No profile is left and the root user's access keys are gone: the clean-up removed what the "
                "lesson made.",
                notebook,
                'To do the lesson again in the practice account, run aml.progress.start_from("01").',
            )
        return Position(
            "01",
            "No profile is active (none set up yet, or the clean-up removed it), so the account cannot be read.",
            notebook,
        )
    except Exception as exc:  # noqa: BLE001 - a heading line must never stop Run All
        return Position("01", f"The account could not be read: {explain(exc)}", notebook)
    stage, evidence = stage_of(
        bool(summary.get("AccountAccessKeysPresent")),
        bool(summary.get("AccountMFAEnabled")),
        user_exists,
        root_password=bool(summary.get("AccountPasswordPresent", 1)),
    )
    return Position(stage, evidence, notebook)


def _cleaned_up() -> bool:
    """True when the account's own state says the lesson ran and was cleaned up, not that it never started.

    Without a profile the account cannot be read; a practice account still tells: its root key file is gone
    only once notebook 03 (or the clean-up) deleted the root user's keys. A real account cannot tell.
    """
    try:
        source = account_logic.current_account().source
        hook = getattr(source, "handed_over_keys", None)
        return bool(getattr(source, "practice", False)) and callable(hook) and hook() is None
    except Exception:  # noqa: BLE001 - a heading line must never stop Run All; "not sure" reads as not done
        return False


def checkpoints() -> dict[str, str]:
    """The notebooks whose start the chosen account can jump to ({} for a real account)."""
    hook = getattr(account_logic.current_account().source, "checkpoints", None)
    return dict(hook() or {}) if callable(hook) else {}


def start_from(notebook: str) -> str:
    """Put the practice account and its profiles in the state at the start of *notebook* (workshops)."""
    source = account_logic.current_account().source
    reset_to = getattr(source, "reset_to", None)
    if not callable(reset_to):
        raise WalkthroughError(
            "Jumping to a notebook works only in the practice account: your own AWS account keeps what you did. "
            "Run the notebooks in order; each one's first cell says where your account stands."
        )
    valid = checkpoints()
    nn = str(notebook).strip().zfill(2)
    if valid and nn not in valid:
        raise WalkthroughError(
            f"There is no notebook {notebook!r} to start from: choose one of {', '.join(valid)}. Nothing was changed."
        )
    return str(reset_to(nn))
