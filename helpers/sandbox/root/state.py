"""The practice account's own facts (what moto does not know), in one object that a reset replaces.

``AccountState`` holds everything a reset wipes: the root user, IAM users' MFA seeds and last
accepted codes, the faked key dates, console passwords, temporary credentials, the lag's
bookkeeping and the clock offset. ``RootLayer.reset`` replaces it in one assignment; ``persist``
saves it (as plain data, ``to_dict``) with moto's state. What a reset keeps (the switches in
``options``, the issued secrets) lives on the layer itself.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone


def wall_now() -> datetime:
    """The machine's time in UTC, whole seconds (the layer adds its clock offset: ``RootLayer.now``)."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso(moment: datetime) -> str:
    """*moment* as AWS writes dates in its XML answers."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def new_key_id(prefix: str = "AKIA") -> str:
    """An access key ID shaped like AWS's (``AKIA``/``ASIA`` + 16 upper-case letters and digits)."""
    return prefix + "".join(secrets.choice(string.ascii_uppercase + "234567") for _ in range(16))


def new_secret() -> str:
    """A 40-character secret access key shaped like AWS's."""
    alphabet = string.ascii_letters + string.digits + "+/"
    return "".join(secrets.choice(alphabet) for _ in range(40))


@dataclass
class RootKey:
    """One of the root user's access keys (at most two), kept only in the server's memory."""

    key_id: str
    secret: str = field(repr=False)
    created: datetime
    status: str = "Active"
    last_used: datetime | None = None
    last_service: str | None = None
    last_region: str | None = None


@dataclass
class RootState:
    """Everything moto does not know about the root user."""

    created: datetime = field(default_factory=wall_now)
    keys: list[RootKey] = field(default_factory=list)
    retired_keys: set[str] = field(default_factory=set)  # deleted root keys: refused, never reused
    mfa_serial: str | None = None
    mfa_seed: str | None = field(default=None, repr=False)
    mfa_enabled: datetime | None = None
    pending_seed: str | None = field(default=None, repr=False)
    # False once the root's credentials were removed centrally (scenario member-account).
    password_present: bool = True

    def key(self, key_id: str) -> RootKey | None:
        return next((k for k in self.keys if k.key_id == key_id), None)


@dataclass
class AccountState:
    """All the layer's resettable state: a reset is ``layer.account = AccountState(scenario=...)``."""

    scenario: str = "empty"
    root: RootState = field(default_factory=RootState)
    mfa_seeds: dict[str, str] = field(default_factory=dict, repr=False)  # IAM users' devices: serial -> seed
    mfa_last_step: dict[str, int] = field(default_factory=dict)  # serial -> last accepted TOTP step
    inactive_user_keys: set[str] = field(default_factory=set)
    backdated: dict[str, datetime] = field(default_factory=dict)  # access key ID -> faked creation date
    # moto drops PasswordResetRequired on CreateLoginProfile and erases the password when
    # UpdateLoginProfile leaves it out; kept here (like moto's own copy) to fix both.
    console_passwords: dict[str, tuple[str, bool]] = field(default_factory=dict, repr=False)
    sessions: dict[str, dict] = field(default_factory=dict, repr=False)  # temporary credentials (``sessions``)
    lag_state: dict = field(default_factory=dict)  # the lag's bookkeeping (``lag``)
    clock_offset: float = 0.0  # seconds added to the machine's clock (tests skip ahead instead of waiting)

    def to_dict(self) -> dict:
        """Plain data for the state file (secrets included: it goes only into the 0600 file)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        root = {f.name: getattr(self.root, f.name) for f in fields(RootState)}
        root["keys"] = [{f.name: getattr(k, f.name) for f in fields(RootKey)} for k in self.root.keys]
        data["root"] = root
        return data

    @classmethod
    def from_dict(cls, data: dict) -> AccountState:
        """Back from ``to_dict`` (or an older file): unknown names are ignored, missing ones take their defaults."""
        root = dict(data.get("root") or {})
        keys = [RootKey(**_known(RootKey, key)) for key in root.pop("keys", [])]
        values = _known(cls, data)
        values["root"] = RootState(**_known(RootState, root), keys=keys)
        return cls(**values)


def _known(cls, data: dict) -> dict:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}
