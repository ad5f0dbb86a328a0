"""Temporary credentials in the practice account: ``aws login`` for the root user, and MFA sessions.

Two kinds, both ``ASIA…`` key IDs with a session token, kept in ``AccountState.sessions``
(saved with the rest of its state, so they survive a stop, until they expire):

- **root login sessions** (scenario ``console-login``): what ``aws login`` hands the CLI and SDK
  after the root user signs in to the console; they act as the root user (GetCallerIdentity answers
  the root ARN, ListAccessKeys without UserName lists the root's own keys).
- **MFA sessions** from ``sts:GetSessionToken`` with ``SerialNumber`` + ``TokenCode``: the code is
  checked against the device's seed; the session acts as the IAM user, with
  ``aws:MultiFactorAuthPresent`` true. Without a device they carry it false.

The MFA rule (``options["mfa_sessions"]``, on by default as on AWS; ``AML_SANDBOX_MFA_SESSIONS=0`` turns it off): an
IAM user adding a second MFA device to itself or deactivating one of its own, signed with long-term
keys, is refused as AWS refuses it; in an MFA session it goes ahead.

Requests signed with session credentials are authorised here, by the layer's own policy evaluator
(``policy``, which says what it does not evaluate), then carried out by moto as the user.
Times come from the layer's clock (``RootLayer.clock``: the machine's plus the test offset).
"""

from __future__ import annotations

import io
import os
import secrets
import time
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pyotp

from helpers.sandbox import _totp
from helpers.sandbox.root import policy
from helpers.sandbox.root.signing import SELF_ACTIONS, require_signature, signature_ok
from helpers.sandbox.root.state import RootKey, new_key_id, new_secret
from helpers.sandbox.root.wire import ApiError, Request, invalid_token, ok, xml_all, xml_text

if TYPE_CHECKING:  # pragma: no cover
    from helpers.sandbox.root.layer import RootLayer

ROOT = "<root>"
LOGIN_HOURS = 12  # what `aws login` hands the CLI lasts up to 12 hours
DEFAULT_SESSION_SECONDS = 12 * 3600  # GetSessionToken's default for IAM users
MFA_RULE_ACTIONS = {"EnableMFADevice", "DeactivateMFADevice"}
# The switches' values when nothing set them: as strict as AWS (the MFA rule on), no lag.
DEFAULT_OPTIONS = {"mfa_sessions": True, "lag": 0.0}


def mfa_rule_on(layer: RootLayer) -> bool:
    """Whether the MFA rule applies (on unless switched off)."""
    return bool(layer.options.get("mfa_sessions", DEFAULT_OPTIONS["mfa_sessions"]))


def options_from_env(environ: dict | None = None) -> dict:
    """Options the server process was started with (they override the saved ones; absent ones keep them)."""
    env = os.environ if environ is None else environ
    found: dict = {}
    if env.get("AML_SANDBOX_MFA_SESSIONS", "") != "":
        found["mfa_sessions"] = env["AML_SANDBOX_MFA_SESSIONS"].strip() not in ("0", "", "false", "no")
    if env.get("AML_SANDBOX_LAG", "") != "":
        try:
            found["lag"] = max(0.0, float(env["AML_SANDBOX_LAG"]))
        except ValueError:
            pass
    return found


def clean_options(data: dict) -> dict:
    """The options a ``/_sandbox/options`` request may set, typed."""
    found: dict = {}
    if "mfa_sessions" in data:
        found["mfa_sessions"] = bool(data["mfa_sessions"])
    if "lag" in data:
        found["lag"] = max(0.0, float(data["lag"] or 0))
    return found


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def issue(layer: RootLayer, principal: str, seconds: int, mfa: bool) -> dict:
    """New temporary credentials for *principal* (``ROOT`` or an IAM user's name)."""
    now = layer.clock()
    # Expired sessions are forgotten when new ones are made: the saved state stays small.
    live = layer.account.sessions
    for key_id in [k for k, s in live.items() if s["expires"] <= now]:
        del live[key_id]
    cred = {
        "key_id": new_key_id("ASIA"),
        "secret": new_secret(),
        "token": "IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(96),
        "expires": now + seconds,
        "principal": principal,
        "mfa": mfa,
    }
    live[cred["key_id"]] = cred
    layer.issued_secrets.update((cred["secret"], cred["token"]))
    return cred


def root_login(layer: RootLayer, hours: float = LOGIN_HOURS) -> dict:
    """``aws login`` as the root user: temporary root credentials (console sign-in, so MFA if it has one)."""
    cred = issue(layer, ROOT, int(hours * 3600), mfa=layer.account.root.mfa_enabled is not None)
    return {
        "access_key_id": cred["key_id"],
        "secret_access_key": cred["secret"],
        "session_token": cred["token"],
        "expiration": _iso(cred["expires"]),
    }


def find(layer: RootLayer, key_id: str | None) -> dict | None:
    """The temporary credentials with this key ID, if the account issued them."""
    return layer.account.sessions.get(key_id or "")


def _user_arn(layer: RootLayer, name: str) -> str:
    return f"arn:aws:iam::{layer.account_id}:user/{name}"


def handle(layer: RootLayer, req: Request, cred: dict):
    """A request signed with temporary credentials: checked, authorised, then carried out."""
    if cred["expires"] <= layer.clock():
        raise ApiError("ExpiredToken", "The security token included in the request is expired", status=403)
    given = req.environ.get("HTTP_X_AMZ_SECURITY_TOKEN", "")
    if not secrets.compare_digest(given.encode("latin-1", "replace"), cred["token"].encode("latin-1", "replace")):
        raise invalid_token()
    require_signature(req, cred["secret"])
    if cred["principal"] == ROOT:
        # A stand-in key object: the root's temporary credentials are not among its access keys.
        return layer.as_root(req, RootKey(cred["key_id"], cred["secret"], layer.now()))
    name = cred["principal"]
    if req.service == "sts" and req.action == "GetCallerIdentity":
        user_id = _user_id(layer, name)
        return ok(
            req,
            f"<Arn>{escape(_user_arn(layer, name))}</Arn><UserId>{user_id}</UserId>"
            f"<Account>{layer.account_id}</Account>",
        )
    if req.service == "sts" and req.action == "GetSessionToken":
        raise ApiError("AccessDenied", "Cannot call GetSessionToken with session credentials")
    action = f"{req.service}:{req.action or '*'}"
    resource = policy.mfa_resource(layer, req, name) if req.service == "iam" else "*"
    context = {"aws:MultiFactorAuthPresent": "true" if cred["mfa"] else "false"}
    if not policy.user_allowed(layer, name, action, resource, context):
        raise ApiError(
            "AccessDenied",
            f"User: {escape(_user_arn(layer, name))} is not authorized to perform: {action} on resource: "
            f"{escape(resource)}",
        )
    check_mfa_rule(layer, req, name, mfa=cred["mfa"])
    if req.service == "iam" and req.action in SELF_ACTIONS and not req.params.get("UserName"):
        _add_param(req, "UserName", name)
    return layer.forward(req, auth=False)


def _add_param(req: Request, name: str, value: str) -> None:
    req.params[name] = value
    extra = urlencode({name: value}).encode()
    req.body = req.body + (b"&" if req.body else b"") + extra
    req.environ["wsgi.input"] = io.BytesIO(req.body)
    req.environ["CONTENT_LENGTH"] = str(len(req.body))


def _user_id(layer: RootLayer, name: str) -> str:
    _s, body = layer.moto_query("iam", "GetUser", {"UserName": name})
    return xml_text(body, "UserId") or ""


def user_key(layer: RootLayer, key_id: str) -> tuple[str, str] | None:
    """(user name, secret) of an active IAM user access key, from moto's own store (same process)."""
    from moto.iam.models import iam_backends

    backend = iam_backends[layer.account_id]["aws"]
    user = backend.get_user_from_access_key_id(key_id)
    if user is None:
        return None
    for key in user.access_keys:
        if key.access_key_id == key_id and key.status == "Active":
            return user.name, key.secret_access_key
    return None


def get_session_token(layer: RootLayer, req: Request):
    """``sts:GetSessionToken`` signed with an IAM user's long-term keys (None: not ours to answer)."""

    found = user_key(layer, req.key_id or "")
    if found is None:
        return None  # unknown or inactive key: moto gives AWS's answer
    name, secret = found
    if not signature_ok(req, secret):
        return None  # moto says SignatureDoesNotMatch
    return session_token_for(layer, req, name)


def session_token_for(layer: RootLayer, req: Request, name: str):
    """Issue GetSessionToken's answer for *name* (``ROOT`` or an IAM user) whose signature was verified."""
    try:
        seconds = int(req.params.get("DurationSeconds") or DEFAULT_SESSION_SECONDS)
    except ValueError:
        seconds = -1
    if not 900 <= seconds <= 129600:
        raise ApiError(
            "ValidationError",
            f"1 validation error detected: Value '{escape(str(req.params.get('DurationSeconds')))}' at "
            "'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 129600",
        )
    serial, code = req.params.get("SerialNumber", ""), req.params.get("TokenCode", "")
    mfa = False
    if serial or code:
        if not serial or not code:
            raise ApiError("ValidationError", "SerialNumber and TokenCode must be given together.")
        if name == ROOT:
            root = layer.account.root
            devices = [root.mfa_serial] if root.mfa_enabled else []
            seed = root.mfa_seed
        else:
            devices = _user_devices(layer, name)
            seed = layer.account.mfa_seeds.get(serial)
        if serial not in devices:
            raise ApiError("AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code.", status=403)
        last = layer.account.mfa_last_step
        step = _code_step(seed, code, last.get(serial, -1), layer.clock()) if seed else None
        if step is None:
            raise ApiError(
                "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", status=403
            )
        last[serial] = step
        mfa = True
    cred = issue(layer, name, seconds, mfa=mfa)
    return ok(
        req,
        f"<Credentials><AccessKeyId>{cred['key_id']}</AccessKeyId>"
        f"<SecretAccessKey>{cred['secret']}</SecretAccessKey><SessionToken>{cred['token']}</SessionToken>"
        f"<Expiration>{_iso(cred['expires'])}</Expiration></Credentials>",
    )


def _code_step(seed: str, code: str, after_step: int, now: float) -> int | None:
    """The step of one valid code newer than *after_step* (a code is good once, as on AWS)."""
    totp = pyotp.TOTP(seed)
    current = int(now // _totp.STEP)
    for step in range(current - _totp.STEPS_BACK, current + _totp.STEPS_AHEAD + 1):
        if step > after_step and totp.at(step * _totp.STEP) == str(code).strip():
            return step
    return None


def _user_devices(layer: RootLayer, name: str) -> list[str]:
    _s, body = layer.moto_query("iam", "ListMFADevices", {"UserName": name})
    return [s for s in xml_all(body, "SerialNumber")]


def check_mfa_rule(layer: RootLayer, req: Request, name: str, mfa: bool) -> None:
    """AccessDenied for an IAM user adding a second device to itself or deactivating its own, without MFA."""
    if mfa or not mfa_rule_on(layer) or req.service != "iam" or req.action not in MFA_RULE_ACTIONS:
        return
    if (req.params.get("UserName") or name) != name:
        return  # an administrator acting on another user: the policies alone decide
    if req.action == "EnableMFADevice" and not _user_devices(layer, name):
        return  # the first device needs no MFA session (there is nothing to sign in with yet)
    arn = _user_arn(layer, name)
    raise ApiError(
        "AccessDenied",
        f"User: {escape(arn)} is not authorized to perform: iam:{req.action} on resource: {escape(arn)} "
        "with an explicit deny: this action needs an MFA session (aws:MultiFactorAuthPresent is false); "
        "call sts:GetSessionToken with SerialNumber and TokenCode from an existing device, then sign with "
        "the session's credentials.",
        status=403,
    )


def long_term_user(layer: RootLayer, req: Request):
    """IAM users' long-term keys: GetSessionToken answered here, and the MFA rule (None: carry on)."""
    if req.service == "sts" and req.action == "GetSessionToken":
        return get_session_token(layer, req)
    if req.service == "iam" and req.action in MFA_RULE_ACTIONS and mfa_rule_on(layer):
        found = user_key(layer, req.key_id or "")
        if found is not None and signature_ok(req, found[1]):
            check_mfa_rule(layer, req, found[0], mfa=False)
    return None
