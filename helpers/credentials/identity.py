"""Prove credentials live with STS GetCallerIdentity and say who they are (notebooks 01 to 05).

GetCallerIdentity needs no permission at all, so it answers for any valid key: the
right first call to tell a bad key from a missing permission.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from helpers import aws
from helpers.credentials.keys import KeyPair
from helpers.errors import WalkthroughError, error_code, explain
from helpers.identity import (  # noqa: F401 - re-exported: notebook 01's names for the shared definition
    ASSUMED_ROLE,
    FEDERATED_USER,
    IAM_USER,
    KIND_LABELS,
    OTHER,
    ROOT,
    ROOT_WARNING,
    Identity,
    classify_arn,
)
from helpers.sources import AwsFiles

# AWS's STS/IAM clock-skew messages: "Signature expired: <request> is now earlier than <x> (<server> - 5 min.)"
_STAMP = r"(\d{8}T\d{6}Z)"
_SKEW_MESSAGE = re.compile(rf"{_STAMP}.*?\({_STAMP}")
_SKEW_CODES = {"RequestTimeTooSkewed", "RequestExpired"}
_SKEW_HINTS = ("signature expired", "signature not yet current", "request time too skewed")


def clock_skew(exc: ClientError, now: datetime | None = None) -> timedelta | None:
    """How far this computer's clock is ahead of AWS's (negative: behind), if the error tells."""
    message = exc.response.get("Error", {}).get("Message") or ""
    code = error_code(exc) or ""
    if code not in _SKEW_CODES and not any(h in message.lower() for h in _SKEW_HINTS):
        return None
    headers = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders", {}) or {}
    date = headers.get("date") or headers.get("Date")
    if date:
        try:
            server = parsedate_to_datetime(date)
        except (TypeError, ValueError):
            server = None
        if server is not None:
            return (now or datetime.now(timezone.utc)) - server
    found = _SKEW_MESSAGE.search(message)
    if found:
        # The request's own timestamp against the server time AWS quotes in brackets.
        fmt = "%Y%m%dT%H%M%SZ"
        sent, server_time = (datetime.strptime(s, fmt).replace(tzinfo=timezone.utc) for s in found.groups())
        return sent - server_time
    return None


def _duration(delta: timedelta) -> str:
    seconds = int(abs(delta.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    for value, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")):
        if value:
            parts.append(f"{value} {unit}{'s' if value != 1 else ''}")
    return " ".join(parts[:2]) or "less than a second"


def explain_sts_error(exc: BaseException, now: datetime | None = None) -> str:
    """``helpers.errors.explain`` plus the clock's offset when AWS refused a skewed clock (notebook 01)."""
    if isinstance(exc, ClientError):
        skew = clock_skew(exc, now)
        code = error_code(exc) or ""
        if skew is not None or code == "RequestTimeTooSkewed":
            if skew is None:
                far = "too far from AWS's"
            else:
                far = f"{_duration(skew)} {'ahead of' if skew.total_seconds() > 0 else 'behind'} AWS's"
            return (
                f"AWS refused the request because your computer's clock is {far} (AWS accepts up to "
                "5 minutes). Set the clock to update automatically (NTP, 'Set time automatically'), "
                "then try again."
            )
        if code == "InvalidClientTokenId":
            return (
                explain(exc) + " A key created a few seconds ago can take a moment to work: if you just "
                "created it, wait ten seconds and try again."
            )
    return explain(exc)


def session_from_keys(pair: KeyPair, files: AwsFiles, region: str | None = None) -> boto3.Session:
    """A session for keys not saved yet, with the settings a saved profile would get (notebook 01).

    The keys stay in memory (``helpers.aws.session_from_keys``, the one place such a session is built);
    the account's profile settings (e.g. ``endpoint_url``) apply, no other file's settings do.
    """
    return aws.session_from_keys(
        pair.access_key_id,
        pair.secret_access_key,
        pair.session_token,
        settings=files.new_profile_settings,
        region=region,
    )


def prove_session(session: boto3.Session) -> Identity:
    """Ask STS who *session* is (notebooks 01 to 05); raise ``WalkthroughError`` with the fix."""
    try:
        answer = aws.client(session, "sts").get_caller_identity()
    except (ClientError, BotoCoreError) as exc:
        raise WalkthroughError(explain_sts_error(exc)) from None
    return classify_arn(answer.get("Arn", ""), answer.get("UserId", ""))


def prove_key_pair(pair: KeyPair, files: AwsFiles, region: str | None = None) -> Identity:
    """Prove unsaved keys live against the account's endpoint, before saving them (notebook 01)."""
    return prove_session(session_from_keys(pair, files, region))


def prove_profile(files: AwsFiles, profile: str) -> Identity:
    """Prove a saved profile live (notebook 01's "pick an existing profile" and verification cell)."""
    try:
        session = aws.make_session(files, profile)
    except BotoCoreError as exc:
        raise WalkthroughError(explain(exc)) from None
    return prove_session(session)
