"""Prove credentials live with STS GetCallerIdentity and say who they are (notebooks 01 to 05).

GetCallerIdentity needs no permission at all, so it answers for any valid key: the
right first call to tell a bad key from a missing permission.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import boto3
import botocore.session
from botocore.exceptions import BotoCoreError, ClientError

from helpers import aws
from helpers.credentials.keys import KeyPair
from helpers.errors import WalkthroughError, error_code, explain
from helpers.sources import AwsFiles

ROOT = "root"
IAM_USER = "iam-user"
ASSUMED_ROLE = "assumed-role"
FEDERATED_USER = "federated-user"
OTHER = "other"

KIND_LABELS = {
    ROOT: "the root user (the account's owner)",
    IAM_USER: "an IAM user",
    ASSUMED_ROLE: "an assumed IAM role (temporary credentials)",
    FEDERATED_USER: "a federated user (temporary credentials)",
    OTHER: "an identity of another kind",
}

ROOT_WARNING = (
    "These are the root user's keys, the most dangerous credential an account has. The root user can "
    "do anything, including closing the account and changing its contact and payment details, and no "
    "IAM policy can limit it. Anyone who finds these keys (in a notebook, a screenshot, a repository) "
    "owns the account, and the bill. Use them only to create your IAM user in notebook 02: notebook 03 "
    "deletes them."
)

_ARN = re.compile(r"^arn:(?P<partition>aws[a-z-]*):(?P<service>iam|sts)::(?P<account>\d{12}):(?P<resource>.+)$")
# AWS's STS/IAM clock-skew messages: "Signature expired: <request> is now earlier than <x> (<server> - 5 min.)"
_STAMP = r"(\d{8}T\d{6}Z)"
_SKEW_MESSAGE = re.compile(rf"{_STAMP}.*?\({_STAMP}")
_SKEW_CODES = {"RequestTimeTooSkewed", "RequestExpired"}
_SKEW_HINTS = ("signature expired", "signature not yet current", "request time too skewed")


@dataclass(frozen=True)
class Identity:
    """Who a set of credentials is: account ID, ARN and kind (root, IAM user, role, federated)."""

    account_id: str
    arn: str
    kind: str
    name: str = ""
    user_id: str = ""

    @property
    def is_root(self) -> bool:
        return self.kind == ROOT

    def lines(self) -> list[str]:
        """The "who you are" card as plain sentences (the root warning last)."""
        who = KIND_LABELS.get(self.kind, KIND_LABELS[OTHER])
        named = f" {self.name}" if self.name and self.kind != ROOT else ""
        out = [f"Account {self.account_id}: you are {who}{named}.", f"ARN: {self.arn}"]
        if self.is_root:
            out.append(f"Warning: {ROOT_WARNING}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        who = html.escape(KIND_LABELS.get(self.kind, KIND_LABELS[OTHER]))
        named = f" <b>{html.escape(self.name)}</b>" if self.name and self.kind != ROOT else ""
        warning = (
            '<div class="aml-cred-root-warning" style="color:#b00020;font-weight:bold;margin-top:.5em">'
            f"&#9888; {html.escape(ROOT_WARNING)}</div>"
            if self.is_root
            else ""
        )
        return (
            '<div class="aml-cred-card" style="border:1px solid #999;border-radius:6px;padding:.6em 1em">'
            "<div><b>Who you are</b></div>"
            f'<div>Account ID: <code class="aml-cred-account">{html.escape(self.account_id)}</code></div>'
            f'<div>ARN: <code class="aml-cred-arn">{html.escape(self.arn)}</code></div>'
            f'<div class="aml-cred-kind">You are {who}{named}.</div>{warning}</div>'
        )


def classify_arn(arn: str, user_id: str = "") -> Identity:
    """Turn a caller ARN into an ``Identity`` (pure; used by ``who_am_i``)."""
    match = _ARN.match(arn or "")
    if not match:
        return Identity(account_id="", arn=arn, kind=OTHER, user_id=user_id)
    account, service, resource = match["account"], match["service"], match["resource"]
    if service == "iam" and resource == "root":
        return Identity(account, arn, ROOT, "", user_id)
    if service == "iam" and resource.startswith("user/"):
        return Identity(account, arn, IAM_USER, resource.rsplit("/", 1)[-1], user_id)
    if service == "sts" and resource.startswith("assumed-role/"):
        parts = resource.split("/")
        name = "/".join(parts[1:3]) if len(parts) >= 3 else parts[-1]
        return Identity(account, arn, ASSUMED_ROLE, name, user_id)
    if service == "sts" and resource.startswith("federated-user/"):
        return Identity(account, arn, FEDERATED_USER, resource.split("/", 1)[1], user_id)
    return Identity(account, arn, OTHER, resource, user_id)


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

    The account's profile settings (e.g. ``endpoint_url``) go into a throw-away config file
    with no secret in it, read once and deleted; the keys stay in memory. No other file's
    settings, and neither the environment's keys nor its ``AWS_PROFILE``, take part.
    """
    # No profile lookup: AWS_PROFILE naming a profile absent from these files must not break this.
    core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    core.set_config_variable("credentials_file", os.devnull)
    with tempfile.TemporaryDirectory(prefix="aml-proof-") as folder:
        config = Path(folder) / "config"
        lines = ["[default]", *(f"{key} = {value}" for key, value in files.new_profile_settings.items())]
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        core.set_config_variable("config_file", str(config))
        core.full_config  # noqa: B018 - botocore reads and caches the file now, before it is deleted
    core.set_credentials(pair.access_key_id, pair.secret_access_key, pair.session_token)
    return boto3.Session(botocore_session=core, region_name=region or "us-east-1")


def who_am_i(session: boto3.Session) -> Identity:
    """Ask STS who *session* is (notebooks 01 to 05); raise ``WalkthroughError`` with the fix."""
    try:
        answer = aws.client(session, "sts").get_caller_identity()
    except (ClientError, BotoCoreError) as exc:
        raise WalkthroughError(explain_sts_error(exc)) from None
    return classify_arn(answer.get("Arn", ""), answer.get("UserId", ""))


def prove_key_pair(pair: KeyPair, files: AwsFiles, region: str | None = None) -> Identity:
    """Prove unsaved keys live against the account's endpoint, before saving them (notebook 01)."""
    return who_am_i(session_from_keys(pair, files, region))


def prove_profile(files: AwsFiles, profile: str) -> Identity:
    """Prove a saved profile live (notebook 01's "pick an existing profile" and verification cell)."""
    try:
        session = aws.make_session(files, profile)
    except BotoCoreError as exc:
        raise WalkthroughError(explain(exc)) from None
    return who_am_i(session)
