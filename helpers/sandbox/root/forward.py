"""Passing a request to moto: the fidelity checks before, the actions moto lacks, the root's facts after."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from helpers.sandbox.root import iam_rules, lag, mfa, rewrites, sessions
from helpers.sandbox.root.wire import ApiError, Request, Response, error, is_form, ok, xml_text

if TYPE_CHECKING:  # pragma: no cover
    from helpers.sandbox.root.layer import RootLayer


def as_user(layer: RootLayer, req: Request) -> Response:
    """A request signed with an IAM user's long-term key (or an unknown one: moto refuses it)."""
    answered = sessions.long_term_user(layer, req)
    if answered is not None:
        return answered
    return forward(layer, req, auth=True)


def _moto(layer: RootLayer, req: Request, auth: bool) -> Response:
    req.environ["wsgi.input"] = io.BytesIO(req.body)
    return layer.call_moto(req.environ, auth=auth)


def forward(layer: RootLayer, req: Request, auth: bool) -> Response:
    """Pass the request to moto (*auth*: as the user who signed it; else as the all-powerful root)."""
    iam = req.service == "iam"
    if iam and req.action in iam_rules.PASSWORD_ACTIONS:
        # Typed passwords are secrets too, even the ones the policy refuses.
        typed = (req.params.get(name) for name in ("Password", "NewPassword", "OldPassword"))
        layer.issued_secrets.update(p for p in typed if p)
    if iam and (not auth or iam_rules.may_attempt(layer, req)):
        iam_rules.check_before(layer, req)
    local = _answer_here(layer, req, auth) or lag.answer_report(layer, req)
    if local is not None:
        return local
    status, headers, payload = _moto(layer, req, auth)
    if auth and mfa.self_service_allowed(layer, req, status, payload):
        status, headers, payload = _moto(layer, req, auth=False)
    if iam and req.action == "ChangePassword":
        # moto has no ChangePassword, and it cannot match IAMUserChangePassword's resource
        # (``user/${aws:username}``). An AccessDenied from moto still proves the signature was
        # right (moto checks it first); the permission is then decided here.
        denied = status.startswith("403") and xml_text(payload, "Code") == "AccessDenied"
        if not status.startswith("4") or denied:
            return iam_rules.change_password(layer, req)
    if _json_service_got_xml_error(req, status, payload):
        # moto answers every authentication error in XML; JSON services' clients cannot parse
        # that and show a bare "403". Re-shape it as those services do.
        text = payload.decode("utf-8", "replace")
        code = xml_text(text, "Code") or "AccessDenied"
        code = {"AccessDenied": "AccessDeniedException"}.get(code, code)
        message = xml_text(text, "Message") or "Access denied"
        return error(req, ApiError(code, message, status=int(status.split()[0])))
    if iam and status.startswith("200"):
        payload = rewrites.after(layer, req, payload)
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(payload))))
    return status, headers, payload


def _list_service_specific_credentials(layer: RootLayer, req: Request) -> Response:
    # The lesson creates no service-specific credentials (CodeCommit, Keyspaces): always none.
    return ok(req, "<ServiceSpecificCredentials/><IsTruncated>false</IsTruncated>")


# IAM actions moto lacks (it fails inside): answered here, after moto has checked the caller.
_LOCAL = {
    "ListServiceSpecificCredentials": _list_service_specific_credentials,
    "ResyncMFADevice": mfa.resync,
}


def _answer_here(layer: RootLayer, req: Request, auth: bool) -> Response | None:
    handler = _LOCAL.get(req.action)
    if req.service != "iam" or handler is None:
        return None
    if auth:
        # moto checks the signature and the user's permission before it looks for the action:
        # a 4xx is its verdict on the caller; a failure past that point means "allowed".
        try:
            status, headers, payload = _moto(layer, req, auth=True)
        except Exception:  # moto has no code for this action
            status, headers, payload = "500 Internal Server Error", [], b""
        if status.startswith("4") and not mfa.self_service_allowed(layer, req, status, payload):
            return status, headers, payload
    return handler(layer, req)


def _json_service_got_xml_error(req: Request, status: str, payload: bytes) -> bool:
    if not status.startswith("403") or req.service in ("s3", "iam", "sts") or is_form(req.environ):
        return False
    return payload.lstrip().startswith(b"<") and b"<ErrorResponse" in payload
