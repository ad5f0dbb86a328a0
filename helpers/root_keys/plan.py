"""Notebook 03's pure parts: the plans, the console steps, and what each step returns.

Nothing here calls AWS: ``apply`` runs the steps and returns these records; the form and
notebook 03 show their ``lines()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from helpers.names import ROOT_PROFILE
from helpers.plan import Change, Plan
from helpers.root_keys.observe import Observation, RootKey

CONSOLE_STEPS = (
    "Sign in to the AWS console as the root user (the account's e-mail address and password), at "
    "https://console.aws.amazon.com/.",
    "Open the account menu (your account name, top right) and choose Security credentials "
    "(formerly My security credentials).",
    "Scroll to Access keys.",
    "For each access key: Actions > Deactivate, then confirm. Wait a while (a day, if anything might use it) "
    "and check nothing broke.",
    "For each deactivated key: Actions > Delete, type the key ID to confirm, then Delete.",
    "Sign out of the root user, then click Check again here.",
)

REACTIVATE_STEPS = (
    "Sign in to the AWS console as the root user.",
    "Account menu (top right) > Security credentials > Access keys.",
    "Select the key that was deactivated: Actions > Activate. It works again at once; nothing else changed.",
    "Move whatever needed it to its own IAM user or role with only the rights it needs, then deactivate and delete "
    "the root key again.",
)


# ----------------------------------------------------------------------------- plans (pure)


def plan_deactivate(obs: Observation) -> Plan:
    """Deactivate every active root key except the one signing these calls (notebook 03)."""
    signer = obs.signing_key()
    changes = tuple(
        Change(
            "deactivate", "root access key", k.key_id, f"last used: {k.last_use()}", api_action="iam:UpdateAccessKey"
        )
        for k in obs.keys
        if k.active and not k.signs_this_session
    )
    notes = []
    if signer is not None:
        notes.append(
            f"Key {signer.key_id} signs these calls, so it stays active until it deletes itself, last: AWS refuses "
            "every call signed with an inactive key."
        )
    notes += [
        f"Key {k.key_id} is already inactive (still present: it will be deleted)." for k in obs.keys if not k.active
    ]
    return Plan("Deactivate the root user's access keys", changes, tuple(notes))


def plan_delete(obs: Observation, root_profile: str = ROOT_PROFILE) -> Plan:
    """Delete every root key, the signing key last, then remove the root profile (notebook 03)."""
    ordered = sorted(obs.keys, key=lambda k: k.signs_this_session)
    changes = [
        Change(
            "delete",
            "root access key",
            k.key_id,
            "signs these calls: deleted last, then this profile stops working" if k.signs_this_session else k.status,
            api_action="iam:DeleteAccessKey",
        )
        for k in ordered
    ]
    if changes:
        changes.append(
            Change("remove", "profile", root_profile, "from the config and credentials files, after a backup")
        )
    notes = ("Deletion cannot be undone; a new root key could be made only in the console.",) if changes else ()
    return Plan("Delete the root user's access keys", tuple(changes), notes)


def console_steps() -> list[str]:
    """The numbered console steps for deleting the root's keys as the root user (notebook 03, not-root path)."""
    return [f"{i}. {step}" for i, step in enumerate(CONSOLE_STEPS, 1)]


def reactivation_steps() -> list[str]:
    """What to do if something breaks after a root key was deactivated (notebook 03)."""
    return [f"{i}. {step}" for i, step in enumerate(REACTIVATE_STEPS, 1)]


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class StepResult:
    """What a step did, in sentences; ``ok`` False means it stopped and says why."""

    step: str
    ok: bool
    done: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    root_session_closed: bool = False

    def lines(self) -> list[str]:
        return list(self.done) + list(self.notes)


@dataclass(frozen=True)
class Proof:
    """The verify step's findings: the IAM profile works in this account; each root key's last use."""

    ok: bool
    account_id: str
    user_arn: str | None
    keys: tuple[RootKey, ...] = ()
    warnings: tuple[str, ...] = ()
    problem: str = ""
    checked_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def lines(self) -> list[str]:
        out = []
        if self.ok:
            out.append(f"Profile works: {self.user_arn} in account {self.account_id}. You will not be locked out.")
        else:
            out.append(f"Not proven: {self.problem}")
        out += [f"Root key {k.key_id} ({k.status}): last used {k.last_use()}." for k in self.keys]
        return out + list(self.warnings)


@dataclass(frozen=True)
class CheckResult:
    """The check ``iam_no_root_access_key``: PASS when the root user has no access keys."""

    passed: bool | None  # None: could not tell
    message: str
    steps: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        return {True: "PASS", False: "FAIL", None: "UNKNOWN"}[self.passed]

    def lines(self) -> list[str]:
        return [f"iam_no_root_access_key: {self.status}. {self.message}", *self.steps]
