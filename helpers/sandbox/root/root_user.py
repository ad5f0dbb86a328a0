"""The root user, which moto does not have: its access keys, its own IAM calls, its credential-report row.

Requests signed with a root key are verified here and either answered here (the root acting on
itself: no ``UserName``) or passed to moto with authentication off (``RootLayer.as_root``: the
root may do everything).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from helpers.sandbox.root import lag, sessions
from helpers.sandbox.root.signing import require_signature
from helpers.sandbox.root.state import RootKey, iso, new_key_id, new_secret
from helpers.sandbox.root.wire import ApiError, Request, Response, invalid_token, ok

if TYPE_CHECKING:  # pragma: no cover
    from helpers.sandbox.root.layer import RootLayer

MAX_KEYS = 2
REPORT_DATE = "%Y-%m-%dT%H:%M:%S+00:00"


def arn(layer: RootLayer) -> str:
    """The root user's ARN (``arn:aws:iam::<account>:root``)."""
    return f"arn:aws:iam::{layer.account_id}:root"


def answer(layer: RootLayer, req: Request, key: RootKey) -> Response | None:
    """A request signed with one of the root's keys (or its temporary credentials); None: moto answers."""
    if key.status != "Active":
        raise invalid_token()
    require_signature(req, key.secret)
    key.last_used, key.last_service, key.last_region = layer.now(), req.service or "N/A", req.region
    if req.service == "sts" and req.action == "GetSessionToken":
        if key.key_id.startswith("ASIA"):  # already temporary credentials
            raise ApiError("AccessDenied", "Cannot call GetSessionToken with session credentials")
        return sessions.session_token_for(layer, req, sessions.ROOT)
    if req.service == "sts" and req.action == "GetCallerIdentity":
        who = f"<Arn>{arn(layer)}</Arn><UserId>{layer.account_id}</UserId><Account>{layer.account_id}</Account>"
        return ok(req, who)
    if req.service == "iam":
        if req.action in _SELF and not req.params.get("UserName"):
            return _SELF[req.action](layer, req)
        if req.action == "GetAccessKeyLastUsed" and layer.account.root.key(req.params.get("AccessKeyId", "")):
            return _last_used(layer, req)
    return None


def create_key(layer: RootLayer) -> RootKey:
    """A new root access key (AWS allows two), as the console's "Create access key" makes it."""
    root = layer.account.root
    if len(root.keys) >= MAX_KEYS:
        raise ApiError("LimitExceeded", f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS}")
    key = RootKey(new_key_id(), new_secret(), layer.now())
    lag.root_keys_changed(layer, len(root.keys))
    root.keys.append(key)
    layer.issued_secrets.add(key.secret)
    return key


def delete_key(layer: RootLayer, key: RootKey) -> None:
    """The key is gone for good: requests signed with it are refused, and its ID is never reused."""
    root = layer.account.root
    lag.root_keys_changed(layer, len(root.keys))
    root.keys.remove(key)
    root.retired_keys.add(key.key_id)


def _target(layer: RootLayer, req: Request) -> RootKey:
    key_id = req.params.get("AccessKeyId", "")
    target = layer.account.root.key(key_id)
    if target is None:
        raise ApiError("NoSuchEntity", f"The Access Key with id {escape(key_id)} cannot be found.")
    return target


def _list_access_keys(layer: RootLayer, req: Request) -> Response:
    members = "".join(
        f"<member><AccessKeyId>{k.key_id}</AccessKeyId><Status>{k.status}</Status>"
        f"<CreateDate>{iso(k.created)}</CreateDate></member>"
        for k in layer.account.root.keys
    )
    return ok(req, f"<AccessKeyMetadata>{members}</AccessKeyMetadata><IsTruncated>false</IsTruncated>")


def _create_access_key(layer: RootLayer, req: Request) -> Response:
    new = create_key(layer)
    lag.note_new_key(layer, new.key_id)  # the console's key is handed over settled; the API's lags
    return ok(
        req,
        f"<AccessKey><AccessKeyId>{new.key_id}</AccessKeyId><SecretAccessKey>{new.secret}</SecretAccessKey>"
        f"<Status>Active</Status><CreateDate>{iso(new.created)}</CreateDate></AccessKey>",
    )


def _update_access_key(layer: RootLayer, req: Request) -> Response:
    target = _target(layer, req)
    status = req.params.get("Status", "")
    if status not in ("Active", "Inactive"):
        raise ApiError(
            "ValidationError",
            f"1 validation error detected: Value '{escape(status)}' at 'status' failed to satisfy "
            "constraint: Member must satisfy enum value set: [Active, Inactive]",
        )
    target.status = status
    return ok(req, None)


def _delete_access_key(layer: RootLayer, req: Request) -> Response:
    delete_key(layer, _target(layer, req))
    return ok(req, None)


def _get_user(layer: RootLayer, req: Request) -> Response:
    created = iso(layer.account.root.created)
    return ok(
        req,
        f"<User><UserId>{layer.account_id}</UserId><Arn>{arn(layer)}</Arn><CreateDate>{created}</CreateDate></User>",
    )


def _list_mfa_devices(layer: RootLayer, req: Request) -> Response:
    root, member = layer.account.root, ""
    if root.mfa_enabled:
        member = (
            f"<member><SerialNumber>{root.mfa_serial}</SerialNumber>"
            f"<EnableDate>{iso(root.mfa_enabled)}</EnableDate></member>"
        )
    return ok(req, f"<MFADevices>{member}</MFADevices><IsTruncated>false</IsTruncated>")


def _last_used(layer: RootLayer, req: Request) -> Response:
    target = _target(layer, req)
    if target.last_used:
        used = (
            f"<LastUsedDate>{iso(target.last_used)}</LastUsedDate>"
            f"<ServiceName>{target.last_service}</ServiceName><Region>{target.last_region}</Region>"
        )
    else:
        used = "<ServiceName>N/A</ServiceName><Region>N/A</Region>"
    return ok(req, f"<UserName>root</UserName><AccessKeyLastUsed>{used}</AccessKeyLastUsed>")


# The actions the root performs on itself when it names no user (``signing.SELF_ACTIONS``) that are
# answered here; the others go to moto as they are.
_SELF: dict[str, Callable[[RootLayer, Request], Response]] = {
    "ListAccessKeys": _list_access_keys,
    "CreateAccessKey": _create_access_key,
    "UpdateAccessKey": _update_access_key,
    "DeleteAccessKey": _delete_access_key,
    "GetUser": _get_user,
    "ListMFADevices": _list_mfa_devices,
}
ROOT_SELF_ACTIONS = frozenset(_SELF)


def report_row(layer: RootLayer) -> str:
    """The credential report's ``<root_account>`` row, with AWS's values for the root user."""
    root = layer.account.root
    keys = list(root.keys) + [None, None]
    cells = [
        "<root_account>",
        arn(layer),
        root.created.strftime(REPORT_DATE),
        "not_supported" if root.password_present else "false",  # password_enabled
        "no_information",  # password_last_used: the sandbox root never signs in to a console
        "not_supported",  # password_last_changed
        "not_supported",  # password_next_rotation
        "true" if root.mfa_enabled else "false",
    ]
    for key in keys[:2]:
        if key is None:
            cells += ["false", "N/A", "N/A", "N/A", "N/A"]
        else:
            used = key.last_used is not None
            cells += [
                "true" if key.status == "Active" else "false",
                key.created.strftime(REPORT_DATE),
                key.last_used.strftime(REPORT_DATE) if used else "N/A",
                key.last_region if used else "N/A",
                key.last_service if used else "N/A",
            ]
    cells += ["false", "N/A", "false", "N/A"]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()
