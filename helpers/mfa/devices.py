"""An IAM user's own MFA devices from code: create, enable, list, resync, remove (notebook 04).

AWS hands over a virtual device's Base32 seed and QR code once, in the CreateVirtualMFADevice
answer. ``NewDevice`` keeps them in memory only, with a ``repr`` that masks both; nothing here
prints, logs or saves them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import boto3
from botocore.exceptions import ClientError

from helpers import aws
from helpers.errors import WalkthroughError, error_code, explain, is_access_denied
from helpers.mfa.codes import clean_pair, refusal_reason

# ``sessions`` (the MFA-session rule) and ``unfinished`` (this kernel's unfinished devices) are re-exported:
# the form and the tests reach them as ``devices.mfa_session``, ``devices.NameTaken``, ...
from helpers.mfa.sessions import NEEDS_MFA_SESSION, needs_mfa_session
from helpers.mfa.sessions import mfa_session as mfa_session
from helpers.mfa.unfinished import NameTaken as NameTaken
from helpers.mfa.unfinished import forget, name_taken, remember, unfinished_device
from helpers.mfa.unfinished import forget_unfinished as forget_unfinished
from helpers.plan import Change, Plan

DEFAULT_DEVICE_NAME = "AML-Packt-phone"
MAX_DEVICES = 8  # AWS: up to 8 MFA devices of any kind per user (and per root user)
_NAME = re.compile(r"[\w+=,.@-]{1,226}", re.ASCII)  # CreateVirtualMFADevice's VirtualMFADeviceName rule


@dataclass(frozen=True)
class UserDevice:
    """One MFA device of a user, as ListMFADevices shows it."""

    serial: str
    enabled_at: datetime | None

    @property
    def kind(self) -> str:
        """Virtual (authenticator app), security key / passkey, or hardware token, from the serial."""
        if ":mfa/" in self.serial:
            return "authenticator app (virtual)"
        if ":u2f/" in self.serial:
            return "passkey or security key"
        return "hardware TOTP token"

    @property
    def name(self) -> str:
        """The device's name: the last part of its serial."""
        return self.serial.rsplit("/", 1)[-1]


@dataclass(frozen=True, repr=False)
class NewDevice:
    """A virtual device just created: serial, QR code PNG and seed (memory only, masked in repr)."""

    serial: str
    qr_png: bytes = field(compare=False)
    seed: str = field(compare=False)

    @property
    def name(self) -> str:
        return self.serial.rsplit("/", 1)[-1]

    def __repr__(self) -> str:
        return f"NewDevice(serial={self.serial!r}, qr_png=<{len(self.qr_png)} bytes PNG>, seed='****')"

    __str__ = __repr__


def check_device_name(name: str) -> str:
    """The name stripped, or one sentence saying what AWS accepts."""
    name = (name or "").strip()
    if not _NAME.fullmatch(name):
        # Never quote what was typed (it could be anything pasted into the wrong box).
        why = "it is empty" if not name else ("it has spaces" if any(c.isspace() for c in name) else "")
        why = why or (f"it has {len(name)} characters" if len(name) > 226 else "it has characters AWS does not allow")
        raise WalkthroughError(
            f"That cannot be a device name ({why}). Use 1 to 226 letters, digits or + = , . @ _ - (no spaces), "
            f"for example {DEFAULT_DEVICE_NAME}."
        )
    return name


def _iam(session: boto3.Session):
    return aws.client(session, "iam")


def _denied(exc: ClientError, user_name: str, action: str, session_rule: bool = False) -> WalkthroughError:
    """*session_rule*: the call was made without an MFA session where AWS requires one (then that is the reason)."""
    if is_access_denied(exc) and session_rule:
        # On AWS this is the MFA-session rule, not a missing policy: say what to do, not what to attach.
        return WalkthroughError(NEEDS_MFA_SESSION)
    if is_access_denied(exc):
        return WalkthroughError(
            f"{user_name} may not call iam:{action} (AccessDenied). Someone who manages IAM in this account "
            "(the root user in the console, or an administrator) can grant it by attaching the self-service "
            "MFA policy (aml.mfa.policies.self_service_mfa_policy()) to the group aml-packt-users."
        )
    return WalkthroughError(explain(exc))


def list_devices(session: boto3.Session, user_name: str) -> list[UserDevice]:
    """The user's MFA devices of every kind (notebook 04's device table)."""
    try:
        pages = _iam(session).get_paginator("list_mfa_devices").paginate(UserName=user_name)
        found = [d for page in pages for d in page.get("MFADevices", [])]
    except ClientError as exc:
        raise _denied(exc, user_name, "ListMFADevices") from None
    return [UserDevice(d["SerialNumber"], d.get("EnableDate")) for d in found]


def plan_new_device(session: boto3.Session, user_name: str, device_name: str, start_over: bool = False) -> Plan:
    """What creating and enabling *device_name* for *user_name* would change; refuses what AWS would.

    *start_over*: this kernel's own unfinished device of that name is deleted first (never anyone else's).
    """
    name = check_device_name(device_name)
    devices = list_devices(session, user_name)
    if any(d.name == name for d in devices):
        raise WalkthroughError(
            f"{user_name} already has a device named {name}: choose another name (e.g. {name}-2), "
            "or remove that device first."
        )
    if len(devices) >= MAX_DEVICES:
        raise WalkthroughError(
            f"{user_name} already has {len(devices)} MFA devices, the most AWS allows per user: remove one "
            "you no longer use before adding another."
        )
    changes = [
        Change("create", "virtual MFA device", name, api_action="iam:CreateVirtualMFADevice"),
        Change(
            "enable",
            "MFA device",
            name,
            f"for {user_name}, after two consecutive codes",
            api_action="iam:EnableMFADevice",
        ),
    ]
    notes = [f"{user_name} has {len(devices)} MFA device(s) now; AWS allows up to {MAX_DEVICES}."]
    if unfinished_device(user_name, name) is not None:
        if start_over:
            changes.insert(
                0,
                Change(
                    "delete",
                    "unfinished virtual MFA device",
                    name,
                    "created earlier in this notebook",
                    api_action="iam:DeleteVirtualMFADevice",
                ),
            )
        else:
            notes.append(
                f"A device named {name} was created earlier in this notebook and never enabled: choose "
                "'Start over' to replace it, or type another name."
            )
    return Plan(f"MFA device for {user_name}", tuple(changes), tuple(notes))


def create_device(
    session: boto3.Session, user_name: str, device_name: str, start_over: bool = False
) -> tuple[NewDevice, list[str]]:
    """Create virtual device *device_name* for *user_name*: the device (seed in memory) + notes.

    A device of that name that exists already is never deleted, unless it is this kernel's own
    unfinished attempt for *user_name* and *start_over* is True; otherwise ``NameTaken`` says
    whether it is that own attempt (``own``: offer "Start over") or someone else's (choose another name).
    """
    name = check_device_name(device_name)
    iam = _iam(session)
    notes: list[str] = []
    try:
        answer = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    except ClientError as exc:
        if error_code(exc) != "EntityAlreadyExists":
            raise _denied(exc, user_name, "CreateVirtualMFADevice") from None
        own = unfinished_device(user_name, name)
        if own is None or not start_over:
            raise name_taken(iam, user_name, name) from None
        try:
            # Only the serial this kernel created for this user: its seed was shown once and is gone.
            iam.delete_virtual_mfa_device(SerialNumber=own)
        except ClientError as inner:
            if error_code(inner) != "NoSuchEntity":
                raise _denied(inner, user_name, "DeleteVirtualMFADevice") from None
        forget(own)
        try:
            answer = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
        except ClientError as inner:
            if error_code(inner) == "EntityAlreadyExists":
                raise name_taken(iam, user_name, name) from None
            raise _denied(inner, user_name, "CreateVirtualMFADevice") from None
        notes.append(
            f"Your unfinished device {name} from earlier in this notebook was deleted and created again: "
            "scan the new QR code."
        )
    seed = answer["Base32StringSeed"]
    seed = seed.decode("ascii") if isinstance(seed, bytes) else str(seed)
    remember(answer["SerialNumber"], user_name)
    return NewDevice(answer["SerialNumber"], bytes(answer.get("QRCodePNG") or b""), seed), notes


def enable_device(
    session: boto3.Session,
    user_name: str,
    device: NewDevice,
    code1: object,
    code2: object,
    signed_in: boto3.Session | None = None,
) -> list[str]:
    """Enable *device* for *user_name* with two consecutive codes; notes on success, a reason on refusal.

    *signed_in*: an MFA session (``mfa_session``) for a second device, which AWS requires; None for the first.
    """
    first, second, notes = clean_pair(code1, code2)
    try:
        _iam(signed_in or session).enable_mfa_device(
            UserName=user_name, SerialNumber=device.serial, AuthenticationCode1=first, AuthenticationCode2=second
        )
    except ClientError as exc:
        if error_code(exc) == "InvalidAuthenticationCode":
            raise WalkthroughError("AWS refused the codes. " + refusal_reason(device.seed, first, second)) from None
        if error_code(exc) == "LimitExceeded":
            raise WalkthroughError(
                f"{user_name} already has the most MFA devices AWS allows ({MAX_DEVICES}): remove one first."
            ) from None
        rule = signed_in is None and _has_other_devices(session, user_name, device.serial)
        raise _denied(exc, user_name, "EnableMFADevice", rule) from None
    forget(device.serial)
    return notes + [f"MFA device {device.name} is enabled for {user_name}."]


def _has_other_devices(session: boto3.Session, user_name: str, new_serial: str) -> bool:
    try:
        return needs_mfa_session(list_devices(session, user_name), "EnableMFADevice", new_serial)
    except WalkthroughError:
        return False


def resync_device(session: boto3.Session, user_name: str, serial: str, code1: object, code2: object) -> list[str]:
    """Resynchronise a device whose codes AWS refuses (its clock drifted): two consecutive codes."""
    first, second, notes = clean_pair(code1, code2)
    try:
        _iam(session).resync_mfa_device(
            UserName=user_name, SerialNumber=serial, AuthenticationCode1=first, AuthenticationCode2=second
        )
    except ClientError as exc:
        if error_code(exc) == "InvalidAuthenticationCode":
            raise WalkthroughError(
                "AWS refused the codes: type two codes that follow each other, from this device's entry in the app."
            ) from None
        if error_code(exc) in ("InternalFailure", "NotImplemented", "InvalidAction"):
            raise WalkthroughError(
                f"This account could not resync the device ({error_code(exc)}). The fallback always works: "
                "remove the device, then create and enable it again (and scan the new QR code)."
            ) from None
        raise _denied(exc, user_name, "ResyncMFADevice") from None
    return notes + [f"Device {serial.rsplit('/', 1)[-1]} is in step with AWS again."]


def remove_device(
    session: boto3.Session, user_name: str, serial: str, signed_in: boto3.Session | None = None
) -> list[str]:
    """Deactivate the device (if enabled) and delete it if virtual; re-running does nothing more.

    *signed_in*: an MFA session (``mfa_session``), which AWS requires for an IAM user deactivating its own device.
    """
    iam = _iam(signed_in or session)
    done: list[str] = []
    name = serial.rsplit("/", 1)[-1]
    if any(d.serial == serial for d in list_devices(session, user_name)):
        try:
            iam.deactivate_mfa_device(UserName=user_name, SerialNumber=serial)
        except ClientError as exc:
            raise _denied(exc, user_name, "DeactivateMFADevice", signed_in is None) from None
        done.append(f"Deactivated {name} for {user_name}.")
    if ":mfa/" in serial:
        try:
            iam.delete_virtual_mfa_device(SerialNumber=serial)
            done.append(f"Deleted virtual device {name}.")
        except ClientError as exc:
            if error_code(exc) != "NoSuchEntity":
                raise _denied(exc, user_name, "DeleteVirtualMFADevice") from None
    return done or [f"{name} was already gone: nothing to remove."]
