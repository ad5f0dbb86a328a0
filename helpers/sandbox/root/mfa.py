"""Virtual MFA devices: the root's (console only), IAM users' codes checked against their seeds, QR codes."""

from __future__ import annotations

import base64
import io
import secrets
import xml.etree.ElementTree as ET
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

import segno

from helpers.sandbox import _totp
from helpers.sandbox.root import policy
from helpers.sandbox.root.signing import user_of_key
from helpers.sandbox.root.wire import ApiError, Request, Response, find_all, ok, xml_text

if TYPE_CHECKING:  # pragma: no cover
    from helpers.sandbox.root.layer import RootLayer

ROOT_MFA_NAME = "root-account-mfa-device"

# IAM users' MFA self-service actions. AWS's documented policy scopes them to ``mfa/*`` and
# ``user/${aws:username}``; moto matches Resources against "*" only, so it refuses those statements.
# After moto's AccessDenied (which proves the signature was right) the layer decides them itself.
SELF_SERVICE_ACTIONS = {
    "CreateVirtualMFADevice",
    "EnableMFADevice",
    "ResyncMFADevice",
    "DeactivateMFADevice",
    "DeleteVirtualMFADevice",
    "ListMFADevices",
    "ListVirtualMFADevices",
}


def qr_png(uri: str) -> bytes:
    """A real QR code (PNG) of *uri*, as an authenticator app would scan it."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="png", scale=4)
    return out.getvalue()


def otpauth_uri(device_name: str, account_id: str, seed: str) -> str:
    """AWS's otpauth URI: ``otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String``."""
    label = quote(f"{device_name}@{account_id}", safe="@")
    return f"otpauth://totp/{label}?secret={seed}&issuer={quote('Amazon Web Services')}"


def _bad_code() -> ApiError:
    return ApiError("InvalidAuthenticationCode", "Authentication code for device is not valid.")


def self_service_allowed(layer: RootLayer, req: Request, status: str, payload: bytes) -> bool:
    """After moto's AccessDenied for an MFA self-service action: do the user's policies allow it?"""
    if req.service != "iam" or req.action not in SELF_SERVICE_ACTIONS:
        return False
    # Only AccessDenied: a bad signature or unknown key (SignatureDoesNotMatch, InvalidClientTokenId)
    # stays refused.
    if not status.startswith("403") or xml_text(payload, "Code") != "AccessDenied":
        return False
    name = user_of_key(layer, req.key_id or "")
    if name is None:
        return False
    return policy.user_allowed(layer, name, f"iam:{req.action}", policy.mfa_resource(layer, req, name))


def check_user_codes(layer: RootLayer, serial: str, code1: str, code2: str) -> None:
    """EnableMFADevice for an IAM user: two consecutive codes of the device, never used before."""
    seed, last = layer.account.mfa_seeds.get(serial), layer.account.mfa_last_step
    step = _totp.matching_step(seed, code1, code2, last.get(serial, -1), now=layer.clock()) if seed else None
    if step is None:
        raise _bad_code()
    last[serial] = step


def resync(layer: RootLayer, req: Request) -> Response:
    """ResyncMFADevice (moto lacks it): two consecutive codes put the device back in step."""
    serial = req.params.get("SerialNumber", "")
    account = layer.account
    seed = account.mfa_seeds.get(serial)
    if seed is None and account.root.mfa_enabled and serial == account.root.mfa_serial:
        seed = account.root.mfa_seed
    if seed is None:
        raise ApiError("NoSuchEntity", f"MFA Device with serial number {escape(serial)} does not exist.")
    # Resync exists for a drifted clock: any two consecutive codes in the window will do (even
    # one already used to enable); the step is then remembered, so those codes cannot enable again.
    params = req.params
    code1, code2 = params.get("AuthenticationCode1", ""), params.get("AuthenticationCode2", "")
    step = _totp.matching_step(seed, code1, code2, now=layer.clock())
    if step is None:
        raise _bad_code()
    account.mfa_last_step[serial] = max(step, account.mfa_last_step.get(serial, -1))
    return ok(req, None)


def record_virtual_device(layer: RootLayer, tree: ET.Element) -> None:
    """CreateVirtualMFADevice's answer: keep the seed, and put a real QR code in moto's answer."""
    serial = xml_text(tree, "SerialNumber")
    seed_b64 = xml_text(tree, "Base32StringSeed")
    if not serial or not seed_b64:
        return
    seed = base64.b64decode(seed_b64).decode("ascii")
    layer.account.mfa_seeds[serial] = seed
    layer.issued_secrets.add(seed)
    # A new device under an old name has a new seed: codes used with the old one say nothing.
    layer.account.mfa_last_step.pop(serial, None)
    name = serial.split(":mfa/", 1)[-1].rsplit("/", 1)[-1]
    png = base64.b64encode(qr_png(otpauth_uri(name, layer.account_id, seed))).decode("ascii")
    for image in find_all(tree, "QRCodePNG")[:1]:
        image.text = png


# ---------------------------------------------------------------------------- the root's device (console)
def root_serial(layer: RootLayer) -> str:
    """The serial number (ARN) of the root's virtual MFA device."""
    return f"arn:aws:iam::{layer.account_id}:mfa/{ROOT_MFA_NAME}"


def create_root_device(layer: RootLayer) -> dict:
    """Console: "Assign MFA device": a new seed waiting for two codes."""
    root = layer.account.root
    if root.mfa_enabled:
        raise ApiError(
            "EntityAlreadyExists",
            "The root user already has an MFA device. Remove it first to assign a new one.",
        )
    seed = base64.b32encode(secrets.token_bytes(40)).decode("ascii")
    root.pending_seed = seed
    layer.issued_secrets.add(seed)
    serial = root_serial(layer)
    # Removed and assigned again within a minute: the new seed's codes are not "reused".
    layer.account.mfa_last_step.pop(serial, None)
    png = qr_png(otpauth_uri(ROOT_MFA_NAME, layer.account_id, seed))
    return {"serial": serial, "seed": seed, "qr_png": base64.b64encode(png).decode("ascii")}


def enable_root_device(layer: RootLayer, serial: str, code1: str, code2: str) -> dict:
    """Console: "Add MFA" with two consecutive codes."""
    root, last = layer.account.root, layer.account.mfa_last_step
    seed = root.pending_seed
    if seed is None or serial != root_serial(layer):
        raise ApiError("NoSuchEntity", "There is no MFA device waiting to be enabled: create one first.")
    step = _totp.matching_step(seed, code1, code2, last.get(serial, -1), now=layer.clock())
    if step is None:
        raise _bad_code()
    last[serial] = step
    root.mfa_serial, root.mfa_seed, root.pending_seed = serial, seed, None
    root.mfa_enabled = layer.now()
    return {"ok": True, "serial": serial}


def remove_root_device(layer: RootLayer) -> bool:
    """The root's device is gone (True if it had one)."""
    root = layer.account.root
    removed = root.mfa_enabled is not None
    root.mfa_serial = root.mfa_seed = root.pending_seed = None
    root.mfa_enabled = None
    return removed
