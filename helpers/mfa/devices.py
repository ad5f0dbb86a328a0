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
from helpers.errors import WalkthroughError, error_code, explain
from helpers.mfa.codes import clean_pair, refusal_reason
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
        raise WalkthroughError(
            f"{name!r} cannot be a device name: use 1 to 226 letters, digits or + = , . @ _ - "
            f"(no spaces), for example {DEFAULT_DEVICE_NAME!r}."
        )
    return name


def _iam(session: boto3.Session):
    return aws.client(session, "iam")


def _denied(exc: ClientError, user_name: str, action: str) -> WalkthroughError:
    if error_code(exc) in ("AccessDenied", "AccessDeniedException"):
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


def _unassigned_serial(iam, name: str) -> str | None:
    pages = iam.get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus="Unassigned")
    for page in pages:
        for device in page.get("VirtualMFADevices", []):
            if device["SerialNumber"].rsplit("/", 1)[-1] == name:
                return device["SerialNumber"]
    return None


def plan_new_device(session: boto3.Session, user_name: str, device_name: str) -> Plan:
    """What creating and enabling *device_name* for *user_name* would change; refuses what AWS would."""
    name = check_device_name(device_name)
    devices = list_devices(session, user_name)
    if any(d.name == name for d in devices):
        raise WalkthroughError(
            f"{user_name} already has a device named {name!r}: choose another name (e.g. {name}-2), "
            "or remove that device first."
        )
    if len(devices) >= MAX_DEVICES:
        raise WalkthroughError(
            f"{user_name} already has {len(devices)} MFA devices, the most AWS allows per user: remove one "
            "you no longer use before adding another."
        )
    changes = (
        Change("create", "virtual MFA device", name),
        Change("enable", "MFA device", name, f"for {user_name}, after two consecutive codes"),
    )
    notes = (f"{user_name} has {len(devices)} MFA device(s) now; AWS allows up to {MAX_DEVICES}.",)
    return Plan(f"MFA device for {user_name}", changes, notes)


def create_device(session: boto3.Session, user_name: str, device_name: str) -> tuple[NewDevice, list[str]]:
    """Create virtual device *device_name* (replacing an unfinished one of that name): device + notes."""
    name = check_device_name(device_name)
    iam = _iam(session)
    notes: list[str] = []
    try:
        answer = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    except ClientError as exc:
        if error_code(exc) != "EntityAlreadyExists":
            raise _denied(exc, user_name, "CreateVirtualMFADevice") from None
        # A device of that name exists but was never enabled (an earlier run stopped halfway): its seed
        # was shown once and is gone, so it can never be enabled; replace it.
        try:
            stale = _unassigned_serial(iam, name)
            if stale is None:
                raise WalkthroughError(
                    f"A device named {name!r} already exists in this account and is in use: choose another name."
                )
            iam.delete_virtual_mfa_device(SerialNumber=stale)
            answer = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
        except ClientError as inner:
            raise _denied(inner, user_name, "DeleteVirtualMFADevice") from None
        notes.append(f"An unfinished device named {name!r} (created earlier, never enabled) was replaced.")
    seed = answer["Base32StringSeed"]
    seed = seed.decode("ascii") if isinstance(seed, bytes) else str(seed)
    return NewDevice(answer["SerialNumber"], bytes(answer.get("QRCodePNG") or b""), seed), notes


def enable_device(session: boto3.Session, user_name: str, device: NewDevice, code1: object, code2: object) -> list[str]:
    """Enable *device* for *user_name* with two consecutive codes; notes on success, a reason on refusal."""
    first, second, notes = clean_pair(code1, code2)
    try:
        _iam(session).enable_mfa_device(
            UserName=user_name, SerialNumber=device.serial, AuthenticationCode1=first, AuthenticationCode2=second
        )
    except ClientError as exc:
        if error_code(exc) == "InvalidAuthenticationCode":
            raise WalkthroughError("AWS refused the codes. " + refusal_reason(device.seed, first, second)) from None
        if error_code(exc) == "LimitExceeded":
            raise WalkthroughError(
                f"{user_name} already has the most MFA devices AWS allows ({MAX_DEVICES}): remove one first."
            ) from None
        raise _denied(exc, user_name, "EnableMFADevice") from None
    return notes + [f"MFA device {device.name} is enabled for {user_name}."]


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


def remove_device(session: boto3.Session, user_name: str, serial: str) -> list[str]:
    """Deactivate the device (if enabled) and delete it if virtual; re-running does nothing more."""
    iam = _iam(session)
    done: list[str] = []
    name = serial.rsplit("/", 1)[-1]
    if any(d.serial == serial for d in list_devices(session, user_name)):
        try:
            iam.deactivate_mfa_device(UserName=user_name, SerialNumber=serial)
        except ClientError as exc:
            raise _denied(exc, user_name, "DeactivateMFADevice") from None
        done.append(f"Deactivated {name} for {user_name}.")
    if ":mfa/" in serial:
        try:
            iam.delete_virtual_mfa_device(SerialNumber=serial)
            done.append(f"Deleted virtual device {name}.")
        except ClientError as exc:
            if error_code(exc) != "NoSuchEntity":
                raise _denied(exc, user_name, "DeleteVirtualMFADevice") from None
    return done or [f"{name} was already gone: nothing to remove."]
