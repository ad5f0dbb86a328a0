"""Where the root user's access keys stand (notebook 03): list them, or ask the account summary.

Only the root user can list (and delete) its own keys; any other identity with IAM read
rights sees just the account-wide flag ``AccountAccessKeysPresent`` from GetAccountSummary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import boto3
from botocore.exceptions import ClientError

from helpers import aws
from helpers.errors import error_code, explain, is_access_denied
from helpers.identity import uses_temporary_credentials, who_am_i

# The good outcome of `aws login`: the root user works with short-lived credentials and never had keys.
LOGIN_NO_KEYS = "You signed in with `aws login`: no root access keys exist, which is what this notebook wants."
# Seen by anyone but the root user (AML@Packt after notebook 02): the same good outcome, and why it is good.
KEYS_GONE_LINE = (
    "The account summary says the root user has no access keys (AccountAccessKeysPresent = 0): nothing to delete, "
    "which is what this notebook wants. A root key never expires and can do anything in the account, so AWS "
    "recommends having none (after `aws login` the root user never had one)."
)
LOGIN_KEYS_LEFT = (
    "You signed in with `aws login` (short-lived credentials), but the account summary says the root user still "
    "has access keys. AWS lets short-lived root credentials neither list nor delete them (such calls need a "
    "UserName, and the root user has none): delete them in the console (steps below)."
)

# The situations notebook 03 can find the account in.
ROOT_WITH_KEYS = "root with keys"  # the full path: deactivate, verify, delete
ROOT_NO_KEYS = "root without keys"  # nothing to do
NOT_ROOT_KEYS_PRESENT = "not root, keys present"  # only the root user can delete them: console steps
NOT_ROOT_UNKNOWN = "not root, cannot tell"  # no right to read the summary: console steps, check by eye
KEYS_GONE = "keys gone"  # the check passes

# The lesson's own calls: a key last used by these was (most likely) last used by this notebook.
LESSON_SERVICES = {"iam", "sts"}
RECENT_DAYS = 30


@dataclass(frozen=True)
class RootKey:
    """One of the root user's access keys: ID (not a secret), status, dates and last use."""

    key_id: str
    status: str
    created: datetime | None = None
    last_used: datetime | None = None
    last_service: str | None = None
    last_region: str | None = None
    signs_this_session: bool = False

    @property
    def active(self) -> bool:
        return self.status == "Active"

    def used_elsewhere(self, now: datetime | None = None, days: int = RECENT_DAYS) -> bool:
        """True when the key was used within *days* by a service other than IAM or STS."""
        if self.last_used is None or not self.last_service or self.last_service in ("N/A", *LESSON_SERVICES):
            return False
        moment = now or datetime.now(timezone.utc)
        return (moment - self.last_used).days < days

    def last_use(self) -> str:
        """``2026-11-29 13:02 UTC, iam in us-east-1`` or ``never used``."""
        if self.last_used is None:
            return "never used"
        where = f", {self.last_service}" if self.last_service and self.last_service != "N/A" else ""
        region = f" in {self.last_region}" if self.last_region and self.last_region != "N/A" else ""
        return f"{self.last_used:%Y-%m-%d %H:%M} UTC{where}{region}"


@dataclass(frozen=True)
class Observation:
    """What notebook 03 found: who is calling, the root's keys (if it may list them), the summary flag."""

    account_id: str
    caller_arn: str
    caller_is_root: bool
    situation: str
    keys: tuple[RootKey, ...] = ()
    keys_present: bool | None = None  # AccountAccessKeysPresent; None when it could not be read
    signing_key_id: str | None = None
    note: str = ""

    @property
    def can_delete(self) -> bool:
        """Only the root user can delete the root's keys (AWS: not as an IAM user or role)."""
        return self.situation == ROOT_WITH_KEYS

    @property
    def done(self) -> bool:
        """True when the account has no root access keys (the check passes)."""
        return self.situation in (ROOT_NO_KEYS, KEYS_GONE)

    def signing_key(self) -> RootKey | None:
        return next((k for k in self.keys if k.signs_this_session), None)

    def lines(self) -> list[str]:
        """Where things stand, in sentences."""
        who = f"Account {self.account_id}, acting as {self.caller_arn}."
        if self.situation == ROOT_WITH_KEYS:
            active = sum(k.active for k in self.keys)
            out = [who, f"The root user has {len(self.keys)} access key(s), {active} active."]
            out += [f"  {k.key_id}: {k.status}, {k.last_use()}" for k in self.keys]
            if any(not k.active for k in self.keys):
                out.append(
                    "A deactivated key is still present: CIS asks for root keys to be deleted, not just deactivated."
                )
            return out
        if self.situation == ROOT_NO_KEYS:
            # A fact, not a verdict: after step 3 this line sits above "Deleted root access key ...", and the
            # form's plan line says "Nothing to do" or "Done" (issue 13: status lines must agree).
            return [who, "The root user has no access keys."] + ([self.note] if self.note else [])
        if self.situation == KEYS_GONE:
            return [who, KEYS_GONE_LINE]
        if self.situation == NOT_ROOT_KEYS_PRESENT and self.caller_is_root and self.note:
            return [who, self.note]
        if self.situation == NOT_ROOT_KEYS_PRESENT:
            return [
                who,
                "The account summary says the root user still has access keys (AccountAccessKeysPresent = 1).",
                "This identity cannot list or delete them: that needs the root user.",
            ]
        return [who, self.note or "This identity cannot tell whether the root user has access keys."]


def signing_key_id(session: boto3.Session) -> str | None:
    """The access key ID that signs *session*'s calls (read from its credentials, no API call)."""
    creds = session.get_credentials()
    return None if creds is None else creds.access_key


def keys_present(session: boto3.Session) -> bool:
    """``AccountAccessKeysPresent`` from GetAccountSummary (any identity with iam:GetAccountSummary)."""
    summary = aws.client(session, "iam").get_account_summary()["SummaryMap"]
    return bool(summary.get("AccountAccessKeysPresent", 0))


def list_root_keys(session: boto3.Session) -> tuple[RootKey, ...]:
    """The root user's keys with their last use; *session* must be the root user's."""
    iam = aws.client(session, "iam")
    signer = signing_key_id(session)
    # Without UserName, ListAccessKeys lists the caller's own keys: the root's, when root calls.
    listed = iam.list_access_keys()["AccessKeyMetadata"]
    keys = []
    for item in listed:
        key_id = item["AccessKeyId"]
        try:
            used = iam.get_access_key_last_used(AccessKeyId=key_id).get("AccessKeyLastUsed", {})
        except ClientError as exc:
            if error_code(exc) != "NoSuchEntity":
                raise
            continue  # deleted between the two calls (another tab): it is gone, which is the goal
        keys.append(
            RootKey(
                key_id=key_id,
                status=item.get("Status", "Active"),
                created=item.get("CreateDate"),
                last_used=used.get("LastUsedDate"),
                last_service=used.get("ServiceName"),
                last_region=used.get("Region"),
                signs_this_session=key_id == signer,
            )
        )
    return tuple(keys)


def observe(session: boto3.Session) -> Observation:
    """Where the root's keys stand, seen from *session* (root: lists them; anyone else: the summary)."""
    me = who_am_i(session)
    if me.is_root and uses_temporary_credentials(session):
        # ListAccessKeys with temporary credentials needs a UserName; the root user has none: ask the summary.
        present = keys_present(session)
        if present:
            return Observation(me.account_id, me.arn, True, NOT_ROOT_KEYS_PRESENT, (), True, None, LOGIN_KEYS_LEFT)
        return Observation(me.account_id, me.arn, True, ROOT_NO_KEYS, (), False, None, LOGIN_NO_KEYS)
    if me.is_root:
        keys = list_root_keys(session)
        situation = ROOT_WITH_KEYS if keys else ROOT_NO_KEYS
        return Observation(me.account_id, me.arn, True, situation, keys, bool(keys), signing_key_id(session))
    try:
        present = keys_present(session)
    except ClientError as exc:
        if not is_access_denied(exc):
            raise
        return Observation(
            me.account_id,
            me.arn,
            False,
            NOT_ROOT_UNKNOWN,
            note=(
                f"{me.arn} may not read the account summary ({explain(exc)}), so it cannot tell whether the root "
                "user has access keys: look in the console (steps below)."
            ),
        )
    situation = NOT_ROOT_KEYS_PRESENT if present else KEYS_GONE
    note = "" if not present else "Cannot list the keys: that needs the root user."
    return Observation(me.account_id, me.arn, False, situation, (), present, None, note)
