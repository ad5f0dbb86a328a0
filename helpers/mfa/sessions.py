"""AWS's MFA-session rule for a user's own devices, and the session itself, in memory (notebook 04).

AWS (IAM User Guide, "Assign MFA devices in the AWS CLI or AWS API"): an IAM user who adds another
MFA device or deactivates one from code must first call GetSessionToken with a code from an
existing device. ``mfa_session`` makes that call; the temporary keys stay in the returned session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import ClientError

from helpers import aws
from helpers.errors import WalkthroughError, explain, is_access_denied
from helpers.mfa.codes import clean_code

if TYPE_CHECKING:  # pragma: no cover
    from helpers.mfa.devices import UserDevice

NEEDS_MFA_SESSION = "AWS requires an MFA session for this: enter a code from your existing device."
MFA_SESSION_ACTIONS = frozenset({"EnableMFADevice", "DeactivateMFADevice"})
MFA_SESSION_SECONDS = 900  # GetSessionToken's shortest: the session lives in memory for one action


def needs_mfa_session(existing: list[UserDevice], action: str, new_serial: str | None = None) -> bool:
    """True when AWS wants an MFA session for *action* by the user itself: adding another device, deactivating one."""
    others = [d for d in existing if d.serial != new_serial]
    if action == "EnableMFADevice":
        return bool(others)  # the first device needs none: there is nothing to sign in with yet
    return action in MFA_SESSION_ACTIONS and bool(existing)


def mfa_session(session: boto3.Session, serial: str, code: object) -> boto3.Session:
    """A session signed with MFA: sts:GetSessionToken with *serial* and one *code*; its keys stay in memory.

    The temporary credentials are never written to a file: the returned Session holds them, with the same
    config (endpoint, region) as *session*, and is dropped after the one action it is made for.
    """
    token, _spaces = clean_code(code, "code from your existing device")
    try:
        creds = aws.client(session, "sts").get_session_token(
            SerialNumber=serial, TokenCode=token, DurationSeconds=MFA_SESSION_SECONDS
        )["Credentials"]
    except ClientError as exc:
        if is_access_denied(exc):
            raise WalkthroughError(
                f"AWS refused the code for device {serial.rsplit('/', 1)[-1]}: type the code that device's app "
                "shows now (each code works once; wait for the next one if you just used it)."
            ) from None
        raise WalkthroughError(explain(exc)) from None
    return _with_credentials(session, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


def _with_credentials(session: boto3.Session, key_id: str, secret: str, token: str) -> boto3.Session:
    """*session*'s config files, profile settings (endpoint) and region, with other credentials (memory only)."""
    base = session._session  # noqa: SLF001 - the botocore session holds the config files' paths
    core = aws.botocore_session()
    for variable in ("config_file", "credentials_file"):
        value = base.get_config_variable(variable)
        if value:
            core.set_config_variable(variable, value)
    profile = session.profile_name if session.profile_name in session.available_profiles else None
    made = boto3.Session(botocore_session=core, profile_name=profile, region_name=session.region_name or "us-east-1")
    core.set_credentials(key_id, secret, token)
    return made
