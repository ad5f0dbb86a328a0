"""The sandbox-only endpoints under ``/_sandbox/``: the console's gestures and the practice switches.

Every endpoint but ``/_sandbox/health`` needs the sandbox token (``helpers.sandbox.console`` sends
it); bodies and answers are JSON objects.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import timedelta
from html import escape
from typing import TYPE_CHECKING

from helpers.sandbox.root import mfa, root_user, sessions
from helpers.sandbox.root.state import RootKey, iso
from helpers.sandbox.root.wire import ApiError, json_answer, token_ok

if TYPE_CHECKING:  # pragma: no cover
    from helpers.sandbox.root.layer import RootLayer


def answer(layer: RootLayer, environ: dict, path: str, body: bytes) -> tuple[str, list, bytes, str]:
    """One ``/_sandbox/...`` request: (status, headers, payload, log label)."""
    label = f"sandbox:{path[len('/_sandbox/') :]}"
    if path == "/_sandbox/health":
        return (*json_answer(200, layer.health()), label)
    if not token_ok(environ, layer.token):
        return (*json_answer(403, {"error": "Forbidden", "message": "Wrong sandbox token."}), label + " refused")
    try:
        data = json.loads(body or b"{}")
        if not isinstance(data, dict):
            raise ValueError("not an object")
    except ValueError:
        return (*json_answer(400, {"error": "BadRequest", "message": "The request body is not JSON."}), label)
    handler = ENDPOINTS.get(path)
    if handler is None:
        return (*json_answer(404, {"error": "NotFound", "message": f"No sandbox endpoint {path}."}), label)
    try:
        return (*json_answer(200, handler(layer, data)), label)
    except ApiError as err:
        return (*json_answer(err.status, {"error": err.code, "message": err.message}), label + f" {err.code}")


def root_state(layer: RootLayer, data: dict) -> dict:
    """The root user as the console's security-credentials page shows it (no secrets)."""
    root = layer.account.root
    return {
        "account_id": layer.account_id,
        "arn": root_user.arn(layer),
        "created": iso(root.created),
        "access_keys": [
            {
                "access_key_id": k.key_id,
                "status": k.status,
                "created": iso(k.created),
                "last_used": iso(k.last_used) if k.last_used else None,
            }
            for k in root.keys
        ],
        "mfa_serial": root.mfa_serial if root.mfa_enabled else None,
        "mfa_enabled": iso(root.mfa_enabled) if root.mfa_enabled else None,
    }


def _reset(layer: RootLayer, data: dict) -> dict:
    layer.reset(str(data.get("scenario") or "empty"), wipe=data.get("wipe", True) is not False)
    return {"ok": True, "account_id": layer.account_id}


def _create_root_key(layer: RootLayer, data: dict) -> dict:
    key = root_user.create_key(layer)
    return {"access_key_id": key.key_id, "secret_access_key": key.secret, "created": iso(key.created)}


def _root_key(layer: RootLayer, data: dict) -> RootKey:
    key_id = str(data.get("access_key_id", ""))
    key = layer.account.root.key(key_id)
    if key is None:
        raise ApiError("NoSuchEntity", f"The root user has no access key {escape(key_id)}.")
    return key


def _root_key_status(layer: RootLayer, data: dict) -> dict:
    """Console: "Activate" / "Deactivate" a root key (the way back after deactivating the only one)."""
    status = str(data.get("status", ""))
    if status not in ("Active", "Inactive"):
        raise ApiError("ValidationError", "The status must be Active or Inactive.")
    _root_key(layer, data).status = status
    return {"ok": True}


def _delete_root_key(layer: RootLayer, data: dict) -> dict:
    """Console: "Delete" a root key (no key needed to sign, unlike the API)."""
    root_user.delete_key(layer, _root_key(layer, data))
    return {"ok": True}


def _enable_root_mfa(layer: RootLayer, data: dict) -> dict:
    code1, code2 = str(data.get("code1", "")), str(data.get("code2", ""))
    return mfa.enable_root_device(layer, str(data.get("serial", "")), code1, code2)


def _backdate_key(layer: RootLayer, data: dict) -> dict:
    key_id, days = str(data.get("access_key_id", "")), int(data.get("days", 0))
    moment = layer.now() - timedelta(days=days)
    root_key = layer.account.root.key(key_id)
    if root_key is not None:
        root_key.created = moment
    else:
        layer.account.backdated[key_id] = moment
    return {"ok": True}


def _remove_root_credentials(layer: RootLayer, data: dict) -> dict:
    """Organizations' central root access management: the root's keys, password and MFA removed."""
    account = layer.account
    for key in list(account.root.keys):
        root_user.delete_key(layer, key)
    mfa.remove_root_device(layer)
    account.root.password_present = False
    account.sessions = {k: s for k, s in account.sessions.items() if s.get("principal") != sessions.ROOT}
    return {"ok": True}


def _options(layer: RootLayer, data: dict) -> dict:
    """Read or set the practice account's switches (``lag`` seconds, ``mfa_sessions``); saved with its state."""
    layer.options.update(sessions.clean_options(data))
    return {"options": {**sessions.DEFAULT_OPTIONS, **layer.options}}


def _clock(layer: RootLayer, data: dict) -> dict:
    """Set (``offset``) or move (``advance``) the account's clock, in seconds; a reset puts it back to 0."""
    account = layer.account
    try:
        offset = float(data.get("offset", account.clock_offset)) + float(data.get("advance", 0))
    except (TypeError, ValueError):
        offset = math.nan
    if not math.isfinite(offset):
        raise ApiError("ValidationError", "The clock offset must be a number of seconds.")
    account.clock_offset = offset
    return {"offset": account.clock_offset, "now": layer.clock()}


def _root_login(layer: RootLayer, data: dict) -> dict:
    return sessions.root_login(layer, float(data.get("hours") or sessions.LOGIN_HOURS))


ENDPOINTS: dict[str, Callable[[RootLayer, dict], dict]] = {
    "/_sandbox/reset": _reset,
    "/_sandbox/root": root_state,
    "/_sandbox/root/access-key": _create_root_key,
    "/_sandbox/root/access-key/status": _root_key_status,
    "/_sandbox/root/access-key/delete": _delete_root_key,
    "/_sandbox/root/mfa/create": lambda layer, data: mfa.create_root_device(layer),
    "/_sandbox/root/mfa/enable": _enable_root_mfa,
    "/_sandbox/root/mfa/remove": lambda layer, data: {"ok": True, "removed": mfa.remove_root_device(layer)},
    "/_sandbox/backdate-key": _backdate_key,
    "/_sandbox/root/login": _root_login,
    "/_sandbox/root/remove-credentials": _remove_root_credentials,
    "/_sandbox/options": _options,
    "/_sandbox/clock": _clock,
    "/_sandbox/mfa-seed": lambda layer, data: {"seed": layer.account.mfa_seeds.get(str(data.get("serial", "")))},
    "/_sandbox/issued-secrets": lambda layer, data: {"secrets": sorted(layer.issued_secrets)},
}
