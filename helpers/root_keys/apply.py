"""Notebook 03's three steps on the root user's keys: deactivate, verify, delete; then tidy up.

The plans, the console steps and the result records these return are in ``plan`` (pure).

Every step re-reads the account first, so running it again continues where it stopped
(a network failure between steps, a double click, a key already gone). The key that signs
the calls stays active until it is deleted, last: AWS refuses every call signed with an
inactive key, so deactivating it would leave only the console to finish the job.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime

import boto3
from botocore.exceptions import ClientError

from helpers import aws
from helpers.errors import WalkthroughError, error_code, explain, is_access_denied
from helpers.identity import who_am_i
from helpers.names import ROOT_PROFILE, USER_PROFILE
from helpers.root_keys.observe import NOT_ROOT_KEYS_PRESENT, Observation, keys_present, observe
from helpers.root_keys.plan import (
    CheckResult,
    Proof,
    StepResult,
    console_steps,
    plan_deactivate,
    reactivation_steps,
)
from helpers.root_keys.profiles import remove_profile
from helpers.sources import AwsFiles

# What a learner types to go on without a proven IAM profile (they will sign in to the console instead).
ACCEPT_SENTENCE = "I will work from the console"


def _denied_needs_root(exc: ClientError, action: str) -> WalkthroughError:
    return WalkthroughError(
        f"AWS refused {action} for this identity: this needs the root user (an IAM user such as AML@Packt cannot "
        "change the root's keys, whatever its policies). Use the root profile, or follow the console steps."
    )


# ----------------------------------------------------------------------------- steps


def _root_observation(session: boto3.Session, action: str) -> Observation:
    obs = observe(session)
    if obs.caller_is_root and obs.situation == NOT_ROOT_KEYS_PRESENT:
        # Short-lived root credentials (aws login): AWS wants a UserName for key calls, and root has none.
        raise WalkthroughError(obs.note + "\n" + "\n".join(console_steps()))
    if not obs.caller_is_root:
        raise WalkthroughError(
            f"{obs.caller_arn} is not the root user, so it cannot {action} the root's access keys: this needs the "
            "root user. Follow the console steps, then check again."
        )
    return obs


def deactivate_root_keys(session: boto3.Session) -> StepResult:
    """Step 1: deactivate the root's active keys except the signing one; converges on re-run (notebook 03)."""
    obs = _root_observation(session, "deactivate")
    plan = plan_deactivate(obs)
    iam = aws.client(session, "iam")
    done = []
    for change in plan.changes:
        try:
            iam.update_access_key(AccessKeyId=change.name, Status="Inactive")
        except ClientError as exc:
            if error_code(exc) == "NoSuchEntity":
                done.append(f"Key {change.name} was already deleted.")
                continue
            if is_access_denied(exc):
                raise _denied_needs_root(exc, "iam:UpdateAccessKey") from None
            raise
        done.append(f"Deactivated root access key {change.name}.")
    if not plan.changes:
        done.append("No other active root key to deactivate.")
    return StepResult("deactivate", True, tuple(done), plan.notes)


def verify_before_delete(
    root_session: boto3.Session,
    files: AwsFiles,
    user_profile: str = USER_PROFILE,
    now: datetime | None = None,
) -> Proof:
    """Step 2: prove *user_profile* works in the root's account; show each root key's last use (notebook 03)."""
    obs = _root_observation(root_session, "verify")
    warnings = []
    for key in obs.keys:
        if key.used_elsewhere(now):
            warnings.append(
                f"Warning: root key {key.key_id} was used recently by {key.last_service} ({key.last_use()}). "
                "Something other than this lesson may depend on it: find it and give it its own IAM identity "
                "before deleting the key."
            )
    try:
        me = who_am_i(aws.make_session(files, user_profile))
    except ClientError as exc:
        return Proof(
            False, obs.account_id, None, obs.keys, tuple(warnings), f"profile {user_profile!r}: {explain(exc)}"
        )
    except Exception as exc:  # no such profile, no credentials, network: said in a sentence
        return Proof(
            False, obs.account_id, None, obs.keys, tuple(warnings), f"profile {user_profile!r}: {explain(exc)}"
        )
    if me.account_id != obs.account_id:
        problem = (
            f"profile {user_profile!r} signs in to account {me.account_id}, not {obs.account_id}: it would not let "
            "you back into this account. Save AML@Packt's key for this account (notebook 02)."
        )
        return Proof(False, obs.account_id, me.arn, obs.keys, tuple(warnings), problem)
    if me.is_root:
        problem = f"profile {user_profile!r} is the root user too; it must be an IAM user such as AML@Packt."
        return Proof(False, obs.account_id, me.arn, obs.keys, tuple(warnings), problem)
    return Proof(True, obs.account_id, me.arn, obs.keys, tuple(warnings))


def accepted_console(text: str | None) -> bool:
    """True when *text* is the sentence that accepts working from the console (case and spaces ignored)."""
    norm = re.sub(r"\s+", " ", (text or "").strip().rstrip(".")).casefold()
    return norm == ACCEPT_SENTENCE.casefold()


def _typed_ids(text: str | None) -> set[str]:
    return set(re.findall(r"[A-Z0-9]{16,128}", (text or "").upper()))


def delete_root_keys(
    session: boto3.Session,
    proof: Proof | None = None,
    accepted: str | None = None,
    typed_key_ids: str | None = None,
    practice: bool = False,
) -> StepResult:
    """Step 3: delete every root key, the signing key last (notebook 03).

    Refused unless *proof* shows an IAM profile live in this account, or *accepted* is the
    sentence ``ACCEPT_SENTENCE``. Outside the practice account, *typed_key_ids* must name
    every key to delete. Deleting a key that is already gone is fine.
    """
    obs = _root_observation(session, "delete")
    proven = proof is not None and proof.ok and proof.account_id == obs.account_id
    if not proven and not accepted_console(accepted):
        raise WalkthroughError(
            "Nothing was deleted: first run Verify, so that a working IAM profile (aml-packt) in this account is "
            f'proven, or type exactly "{ACCEPT_SENTENCE}" to go on without one.'
        )
    ordered = sorted(obs.keys, key=lambda k: k.signs_this_session)
    if not practice:
        missing = [k.key_id for k in ordered if k.key_id not in _typed_ids(typed_key_ids)]
        if missing:
            raise WalkthroughError(
                f"Nothing was deleted: type the key ID(s) to confirm ({', '.join(missing)}), exactly as shown in "
                "the table."
            )
    iam = aws.client(session, "iam")
    done = []
    closed = False
    for key in ordered:
        try:
            iam.delete_access_key(AccessKeyId=key.key_id)
        except ClientError as exc:
            code = error_code(exc)
            if code == "NoSuchEntity":
                done.append(f"Root access key {key.key_id} was already deleted.")
                continue
            if key.signs_this_session and code == "InvalidClientTokenId":
                # The delete went through but its answer was lost; the retry was signed with the dead key.
                done.append(f"Deleted root access key {key.key_id} (AWS no longer accepts it).")
                closed = True
                continue
            if is_access_denied(exc):
                raise _denied_needs_root(exc, "iam:DeleteAccessKey") from None
            raise
        done.append(f"Deleted root access key {key.key_id}.")
        closed = closed or key.signs_this_session
    notes = []
    if closed:
        notes.append(
            "The key that signed these calls is gone, so the root profile no longer works: that is expected, "
            "and it means the deletion worked."
        )
    if not ordered:
        done.append("The root user has no access keys: nothing to delete.")
    return StepResult("delete", True, tuple(done), tuple(notes), root_session_closed=closed)


def reactivate_root_key(session: boto3.Session, key_id: str) -> StepResult:
    """Undo a deactivation from the API (needs another active root key to sign); else the console steps."""
    iam = aws.client(session, "iam")
    try:
        iam.update_access_key(AccessKeyId=key_id, Status="Active")
    except ClientError as exc:
        code = error_code(exc)
        if is_access_denied(exc):
            raise _denied_needs_root(exc, "iam:UpdateAccessKey") from None
        if code == "NoSuchEntity":
            raise WalkthroughError(
                f"Root access key {key_id} no longer exists: a deleted key cannot come back. If you truly need a root "
                "key, create one in the console (see the notebook), and delete it again soon."
            ) from None
        if code == "InvalidClientTokenId":
            raise WalkthroughError(
                "The key signing this call is itself inactive or deleted, so the API cannot help: reactivate the key "
                "in the console instead:\n" + "\n".join(reactivation_steps())
            ) from None
        raise
    return StepResult("reactivate", True, (f"Reactivated root access key {key_id}: it works again.",))


def check_no_root_keys(session: boto3.Session) -> CheckResult:
    """The closing check ``iam_no_root_access_key`` from any identity that may read the account summary."""
    try:
        present = keys_present(session)
    except ClientError as exc:
        if is_access_denied(exc):
            return CheckResult(
                None,
                f"This identity may not read the account summary ({explain(exc)}). Look in the console instead.",
                tuple(console_steps()),
            )
        raise
    if present:
        return CheckResult(
            False,
            "The root user still has at least one access key (active or not). Only the root user can delete it:",
            tuple(console_steps()),
        )
    return CheckResult(True, "The root user has no access keys.")


SETTLE_TIMEOUT = 60.0  # AccountAccessKeysPresent can lag a deletion on AWS: wait up to about a minute


def finish(
    files: AwsFiles,
    root_profile: str = ROOT_PROFILE,
    user_profile: str = USER_PROFILE,
    timeout: float = SETTLE_TIMEOUT,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    say: Callable[[str], None] | None = None,
) -> StepResult:
    """After deletion: check from *user_profile* that no root key is left, then remove *root_profile* (with backup).

    IAM is eventually consistent: ``AccountAccessKeysPresent`` may say 1 for a while after the last key went, so
    the check is repeated for up to *timeout* s (a progress line to *say* each time). The profile is kept while
    a root key remains, so the learner is never left without a way to finish ("Check again" finishes later).
    """
    user = aws.make_session(files, user_profile)
    check = check_no_root_keys(user)
    start, delay = clock(), 2.0
    while check.passed is False and clock() - start < timeout:
        if say is not None:
            say(
                f"AWS still counts a root access key (AccountAccessKeysPresent = 1); checking again: "
                f"{clock() - start:.0f} s of up to {timeout:.0f} s."
            )
        sleep(min(delay, max(timeout - (clock() - start), 0.0)))
        delay = min(delay * 2, 8.0)
        check = check_no_root_keys(user)
    said = f"Checked as {user_profile}: {check.lines()[0]}"
    if check.passed is not True:
        return StepResult(
            "finish",
            False,
            (
                said,
                f"Profile {root_profile} was kept: AWS does not yet say the root's keys are all gone. "
                "Choose 'Check again' in a minute: it removes the profile once AWS agrees.",
            ),
            check.steps,
        )
    removed = remove_profile(files, root_profile)
    return StepResult("finish", True, (said, *removed.lines()))
