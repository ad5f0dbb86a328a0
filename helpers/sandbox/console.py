"""Console stand-ins: what AWS allows only in its web console, for the practice account.

Creating a root access key and assigning the root user's MFA device are console-only on AWS.
In the sandbox they are sandbox-only endpoints of the local server; notebook 04's simulated
console form and the scenarios call these functions. Secrets come back in objects whose
``repr`` masks them, so a cell that displays one shows nothing secret.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import NamedTuple

from helpers.errors import WalkthroughError
from helpers.sandbox import process
from helpers.sandbox.root import TOKEN_HEADER

_HEADER_NAME = TOKEN_HEADER[len("HTTP_") :].replace("_", "-")


class RootAccessKey(NamedTuple):
    """A new root access key pair; the secret is shown here once and never in a repr."""

    access_key_id: str
    secret_access_key: str
    created: str

    def __repr__(self) -> str:
        return (
            f"RootAccessKey(access_key_id={self.access_key_id!r}, secret_access_key='****', created={self.created!r})"
        )

    __str__ = __repr__

    def csv_text(self) -> str:
        """The key pair in the old console download format (``rootkey.csv``)."""
        return f"AWSAccessKeyId={self.access_key_id}\nAWSSecretKey={self.secret_access_key}\n"


class RootMfaDevice(NamedTuple):
    """A virtual MFA device waiting to be enabled: unpacks as ``serial, qr_png, seed``."""

    serial: str
    qr_png: bytes
    seed: str

    def __repr__(self) -> str:
        return f"RootMfaDevice(serial={self.serial!r}, qr_png=<{len(self.qr_png)} bytes PNG>, seed='****')"

    __str__ = __repr__


def post(path: str, data: dict | None = None, home: Path | None = None) -> dict:
    """POST *data* to the token-protected console endpoint *path*; its JSON answer (clock.py uses it too)."""
    url, token = process.server_token(home)
    request = urllib.request.Request(
        f"{url}{path}",
        data=json.dumps(data or {}).encode(),
        headers={"Content-Type": "application/json", _HEADER_NAME: token},
        method="POST",
    )
    try:
        with process.LOCAL_OPENER.open(request, timeout=30) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as err:
        try:
            body = json.loads(err.read())
        except ValueError:
            body = {}
        message = body.get("message") or f"The practice account refused the request (HTTP {err.code})."
        raise WalkthroughError(_sentence(body.get("error"), message)) from None
    except (urllib.error.URLError, OSError):
        raise WalkthroughError(
            f"The practice account stopped answering: start it again with `{process.FIX_START}`."
        ) from None


def _sentence(code: str | None, message: str) -> str:
    todo = {
        "InvalidAuthenticationCode": " Type two consecutive codes from the authenticator app, the second "
        "after it changes.",
        "LimitExceeded": " Delete one of the root's two access keys first.",
        "EntityAlreadyExists": "",
        "NoSuchEntity": "",
    }.get(code or "", "")
    message = message.rstrip(".") + "."
    return message + todo


def create_root_access_key(home: Path | None = None) -> RootAccessKey:
    """Console: "Create access key" on the root user's security credentials page (notebook 01)."""
    data = post("/_sandbox/root/access-key", home=home)
    return RootAccessKey(data["access_key_id"], data["secret_access_key"], data["created"])


def set_root_access_key_status(access_key_id: str, status: str, home: Path | None = None) -> None:
    """Console: activate or deactivate a root key, e.g. to undo deactivating the only one (notebook 03)."""
    post("/_sandbox/root/access-key/status", {"access_key_id": access_key_id, "status": status}, home=home)


def delete_root_access_key(access_key_id: str, home: Path | None = None) -> None:
    """Console: delete a root key without signing with it (notebook 03's console path)."""
    post("/_sandbox/root/access-key/delete", {"access_key_id": access_key_id}, home=home)


def create_root_mfa_device(home: Path | None = None) -> RootMfaDevice:
    """Console: "Assign MFA device" for the root user, step 1: the QR code and its seed (notebook 04)."""
    data = post("/_sandbox/root/mfa/create", home=home)
    return RootMfaDevice(data["serial"], base64.b64decode(data["qr_png"]), data["seed"])


def enable_root_mfa(serial: str, code1: str, code2: str, home: Path | None = None) -> None:
    """Console: step 2, two consecutive codes from the authenticator (notebook 04)."""
    post("/_sandbox/root/mfa/enable", {"serial": serial, "code1": code1, "code2": code2}, home=home)


def remove_root_mfa(home: Path | None = None) -> bool:
    """Console: "Remove" the root user's MFA device (notebook 06 or a re-practice); True if one was removed."""
    return bool(post("/_sandbox/root/mfa/remove", home=home).get("removed"))


def root_state(home: Path | None = None) -> dict:
    """The root user as the console shows it: key IDs, statuses and dates, MFA; never a secret."""
    return post("/_sandbox/root", home=home)


def backdate_access_key(access_key_id: str, days: int, home: Path | None = None) -> None:
    """Make a key look *days* old (for the messy-account audit scenario)."""
    post("/_sandbox/backdate-key", {"access_key_id": access_key_id, "days": days}, home=home)


def wipe_account(scenario: str, home: Path | None = None, fresh: bool = False) -> None:
    """Wipe moto and the root's state (*fresh*: moto is still empty); the caller then builds *scenario*."""
    post("/_sandbox/reset", {"scenario": scenario, "wipe": not fresh}, home=home)


def issued_secrets(home: Path | None = None) -> list[str]:
    """Every secret the practice account handed out or was given since it started (for the test suite's leak search)."""
    return list(post("/_sandbox/issued-secrets", home=home).get("secrets", []))


class TemporaryCredentials(NamedTuple):
    """Temporary credentials (``ASIA…`` key, secret, session token); secrets never in a repr."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: str

    def __repr__(self) -> str:
        return (
            f"TemporaryCredentials(access_key_id={self.access_key_id!r}, secret_access_key='****', "
            f"session_token='****', expiration={self.expiration!r})"
        )

    __str__ = __repr__


def root_login(hours: float = 12, home: Path | None = None) -> TemporaryCredentials:
    """``aws login`` as the root user: temporary root credentials for the CLI and SDK (scenario console-login)."""
    data = post("/_sandbox/root/login", {"hours": hours}, home=home)
    return TemporaryCredentials(
        data["access_key_id"], data["secret_access_key"], data["session_token"], data["expiration"]
    )


def remove_root_credentials(home: Path | None = None) -> None:
    """Organizations' central root access management: remove the root's keys, password and MFA (member-account)."""
    post("/_sandbox/root/remove-credentials", home=home)


def options(home: Path | None = None, **changes) -> dict:
    """The practice account's switches (``lag`` seconds, ``mfa_sessions``), after applying *changes*; saved."""
    return dict(post("/_sandbox/options", changes, home=home).get("options", {}))


def mfa_seed(serial: str, home: Path | None = None) -> str | None:
    """The seed of an IAM user's virtual MFA device (the simulated authenticator and tests compute codes)."""
    return post("/_sandbox/mfa-seed", {"serial": serial}, home=home).get("seed")
