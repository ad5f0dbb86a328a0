"""The root-account layer: a WSGI middleware in front of moto's own server app.

moto has no root user, so this layer plays it: requests signed with the root's access key are
verified here and either answered here (the root-only actions) or passed to moto with moto's
IAM authentication switched off for that one request (the root may do everything). Every other
request reaches moto with authentication on, so IAM users can do only what their policies allow.
The layer also adds the fidelity the lesson depends on (user-name rules, TOTP codes checked,
password policy, DeleteConflict) and the sandbox-only console endpoints under ``/_sandbox/``.

It runs only inside the sandbox server process (``helpers.sandbox._serve``). It wraps moto's
public server app and uses moto's documented authentication switches
(``moto.core.enable_iam_authentication`` / ``disable_iam_authentication``); it patches nothing.
"""

from __future__ import annotations

import base64
import csv
import fnmatch
import hmac
import io
import json
import logging
import os
import re
import secrets
import string
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlencode

import segno
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from helpers.sandbox import _totp, lag, persist, sessions

log = logging.getLogger("helpers.sandbox.server")

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
ROOT_MFA_NAME = "root-account-mfa-device"
TOKEN_HEADER = "HTTP_X_AML_SANDBOX_TOKEN"
USER_NAME_RE = re.compile(r"^[\w+=,.@-]+$", re.ASCII)  # AWS's \w is ASCII only
MAX_KEYS = 2
REPORT_DATE = "%Y-%m-%dT%H:%M:%S+00:00"

# Actions the root performs on itself when it names no user (AWS: "If you do not specify a
# user name, IAM determines the user name implicitly based on the AWS access key ID").
ROOT_SELF_ACTIONS = {
    "ListAccessKeys",
    "CreateAccessKey",
    "UpdateAccessKey",
    "DeleteAccessKey",
    "GetUser",
    "ListMFADevices",
}

# Actions whose input the layer checks before moto acts (names, passwords, MFA codes, conflicts).
PRECHECKED_ACTIONS = {
    "CreateUser",
    "UpdateUser",
    "CreateLoginProfile",
    "UpdateLoginProfile",
    "ChangePassword",
    "EnableMFADevice",
    "DeleteUser",
}

# The layer's own state, saved with moto's after every change (``persist``) and wiped by a reset.
# A new field that a reset clears belongs here too, or it is lost at the next stop.
PERSISTED = (
    "scenario",
    "mfa_seeds",
    "mfa_last_step",
    "inactive_user_keys",
    "backdated",
    "console_passwords",
    "issued_secrets",
    "sessions",
    "options",
    "lag_state",
)

# Requests that only read: no save after them. Anything else that succeeds is saved (a save too
# many costs a few milliseconds; a save too few loses the learner's work).
READ_ONLY_PREFIXES = ("Get", "List", "Describe", "Head")
CHANGING_READS = {"GetSessionToken", "GetFederationToken"}  # they hand out credentials
READ_ONLY_ENDPOINTS = {"/_sandbox/health", "/_sandbox/root", "/_sandbox/issued-secrets"}

# IAM users' MFA self-service actions. AWS's documented policy scopes them to ``mfa/*`` and
# ``user/${aws:username}``; moto matches Resources against "*" only, so it refuses those statements.
# After moto's AccessDenied (which proves the signature was right) the layer decides them itself.
MFA_SELF_SERVICE_ACTIONS = {
    "CreateVirtualMFADevice",
    "EnableMFADevice",
    "ResyncMFADevice",
    "DeactivateMFADevice",
    "DeleteVirtualMFADevice",
    "ListMFADevices",
    "ListVirtualMFADevices",
}

_ERROR_STATUS = {
    "InvalidClientTokenId": 403,
    "SignatureDoesNotMatch": 403,
    "MissingAuthenticationToken": 403,
    "InvalidAuthenticationCode": 403,
    "LimitExceeded": 409,
    "EntityAlreadyExists": 409,
    "DeleteConflict": 409,
    "NoSuchEntity": 404,
    "ValidationError": 400,
    "PasswordPolicyViolation": 400,
    "InternalFailure": 500,
}


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def new_key_id() -> str:
    """An access key ID shaped like AWS's (``AKIA`` + 16 upper-case letters and digits)."""
    return "AKIA" + "".join(secrets.choice(string.ascii_uppercase + "234567") for _ in range(16))


def new_secret() -> str:
    """A 40-character secret access key shaped like AWS's."""
    alphabet = string.ascii_letters + string.digits + "+/"
    return "".join(secrets.choice(alphabet) for _ in range(40))


class ApiError(Exception):
    """An AWS error to send back in the protocol's own shape (botocore parses it)."""

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or _ERROR_STATUS.get(code, 400)


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
    """Everything moto does not know about the root user; wiped by a reset."""

    created: datetime = field(default_factory=_now)
    keys: list[RootKey] = field(default_factory=list)
    retired_keys: set[str] = field(default_factory=set)  # deleted root keys: refused, never reused
    mfa_serial: str | None = None
    mfa_seed: str | None = field(default=None, repr=False)
    mfa_enabled: datetime | None = None
    pending_seed: str | None = field(default=None, repr=False)
    # False once the root's credentials were removed centrally (scenario member-account).
    password_present: bool = True


@dataclass
class Request:
    """One AWS API request as the layer sees it: who signed it, for which service and action."""

    environ: dict
    method: str
    path: str
    query: str
    body: bytes
    params: dict[str, str]
    key_id: str | None = None
    region: str = "us-east-1"
    service: str = ""
    action: str = ""

    @property
    def is_query_protocol(self) -> bool:
        return self.service in ("iam", "sts") and bool(self.action)


def qr_png(uri: str) -> bytes:
    """A real QR code (PNG) of *uri*, as an authenticator app would scan it."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="png", scale=4)
    return out.getvalue()


def otpauth_uri(device_name: str, account_id: str, seed: str) -> str:
    """AWS's otpauth URI: ``otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String``."""
    label = quote(f"{device_name}@{account_id}", safe="@")
    return f"otpauth://totp/{label}?secret={seed}&issuer={quote('Amazon Web Services')}"


def password_problems(password: str, policy: dict[str, str] | None) -> list[str]:
    """AWS's sentences for each password-policy rule *password* breaks (empty list: it complies)."""
    problems = []
    if policy is None:
        # AWS's default policy when the account has none: at least 8 characters and three of
        # the four character types.
        kinds = sum(
            [
                any(c.isupper() for c in password),
                any(c.islower() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if len(password) < 8:
            problems.append("Password should have a minimum length of 8")
        if kinds < 3:
            problems.append(
                "Password should include at least three of: upper-case letters, lower-case letters, numbers and symbols"
            )
        return problems
    minimum = int(policy.get("MinimumPasswordLength", "6"))
    if len(password) < minimum:
        problems.append(f"Password should have a minimum length of {minimum}")
    rules = [
        ("RequireUppercaseCharacters", str.isupper, "at least one uppercase letter"),
        ("RequireLowercaseCharacters", str.islower, "at least one lowercase letter"),
        ("RequireNumbers", str.isdigit, "at least one number"),
        ("RequireSymbols", lambda c: not c.isalnum(), "at least one symbol"),
    ]
    for name, test, words in rules:
        if policy.get(name) == "true" and not any(test(c) for c in password):
            problems.append(f"Password should have {words}")
    if len(password) > 128:
        problems.append("Password should have a maximum length of 128")
    return problems


def _xml_text(body: str, tag: str) -> str | None:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", body, re.S)
    return match.group(1) if match else None


def _xml_all(body: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", body, re.S)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


class RootLayer:
    """The WSGI app the sandbox serves: the root layer wrapped around moto's server app."""

    def __init__(
        self,
        app: Callable,
        account_id: str,
        token: str,
        enable_auth: Callable,
        disable_auth: Callable,
        started_at: str = "",
        state_file: Path | None = None,
    ):
        self.app = app
        self.state_file = Path(state_file) if state_file is not None else None
        self._unsaved: list[str] = []  # moto services whose state could not be pickled (logged once)
        self.account_id = account_id
        self.token = token
        self._enable_auth = enable_auth
        self._disable_auth = disable_auth
        self.started_at = started_at
        self.scenario = "empty"
        # One lock for every request: moto's authentication switch is process-wide, so a
        # root request (auth off) must never overlap a user's request (auth on).
        self.lock = threading.RLock()
        self.root = RootState()
        self.mfa_seeds: dict[str, str] = {}  # IAM users' virtual devices: serial -> seed
        self.mfa_last_step: dict[str, int] = {}  # serial -> last accepted TOTP step
        self.inactive_user_keys: set[str] = set()
        self.backdated: dict[str, datetime] = {}  # access key ID -> faked creation date
        # moto drops PasswordResetRequired on CreateLoginProfile and erases the password when
        # UpdateLoginProfile leaves it out; kept here (memory only, like moto's own copy) to fix both.
        self.console_passwords: dict[str, tuple[str, bool]] = {}
        # Every secret this account handed out or was given (key secrets, MFA seeds, console
        # passwords), kept in memory only and never logged: the test suite's leak search asks for
        # them through the token-protected ``/_sandbox/issued-secrets`` (a reset keeps them).
        self.issued_secrets: set[str] = set()
        # Temporary credentials (``sessions``), the practice account's switches (``options``: kept
        # by a reset) and the lag's bookkeeping (``lag``).
        self.sessions: dict[str, dict] = {}
        self.options: dict = {}
        self.lag_state: dict = {}

    # ------------------------------------------------------------------ WSGI plumbing
    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        if environ.get("PATH_INFO") == "/_sandbox/health":
            # Never behind the lock: a slow request must not make the server look dead.
            status, headers, payload = self._json(200, self.health())
            start_response(status, headers)
            return [payload]
        try:
            body = self._read_body(environ)
        except (ValueError, OSError):
            # A Content-Length that is not a number, or a body cut short: one line, never a traceback.
            status, headers, payload = self._json(
                400, {"error": "BadRequest", "message": "The request body could not be read."}
            )
            log.info("bad-request %s %.1fms", status.split()[0], (time.perf_counter() - started) * 1000)
            start_response(status, headers)
            return [payload]
        try:
            with self.lock:
                status, headers, payload, label = self.handle(environ, body)
                if status.startswith("2") and self.may_change(environ, body):
                    self.save()
        except Exception as exc:  # the learner sees an AWS-shaped error, never a traceback
            # Where, not what: an exception's message may quote request data (a password).
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            log.error("internal error %s at %s:%s", type(exc).__name__, Path(frame.filename).name, frame.lineno)
            status, headers, payload = self._error(None, ApiError("InternalFailure", "The sandbox failed."))
            label = "error"
        log.info("%s %s %.1fms", label, status.split()[0], (time.perf_counter() - started) * 1000)
        start_response(status, headers)
        return [payload]

    @staticmethod
    def _read_body(environ: dict) -> bytes:
        stream = environ.get("wsgi.input")
        length = environ.get("CONTENT_LENGTH")
        if length and (not length.isdigit() or not length.isascii()):
            raise ValueError("bad Content-Length")
        if stream is None:
            body = b""
        elif length:
            body = stream.read(int(length))
        elif environ.get("wsgi.input_terminated"):
            body = stream.read()
        else:
            body = b""
        environ["wsgi.input"] = io.BytesIO(body)
        if length or body:
            environ["CONTENT_LENGTH"] = str(len(body))
        return body

    # ------------------------------------------------------------------ saved state
    @staticmethod
    def may_change(environ: dict, body: bytes) -> bool:
        """False for requests that only read (List*, Get*, GET): everything else is saved after it succeeds."""
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path in READ_ONLY_ENDPOINTS:
            return False
        if path.startswith(("/_sandbox/", "/moto-api")):
            return method != "GET" or path.startswith("/_sandbox/")
        action = parse_qs(environ.get("QUERY_STRING", "")).get("Action", [""])[0]
        if not action and environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
            action = parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        if not action:
            action = environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")[2]
        if action:
            return action in CHANGING_READS or not action.startswith(READ_ONLY_PREFIXES)
        return method not in ("GET", "HEAD", "OPTIONS")

    def saved_state(self) -> dict:
        """The layer's state as plain data (secrets included: it goes only into the 0600 state file)."""
        state = {name: getattr(self, name) for name in PERSISTED}
        root = {f.name: getattr(self.root, f.name) for f in fields(RootState)}
        root["keys"] = [{f.name: getattr(k, f.name) for f in fields(RootKey)} for k in self.root.keys]
        state["root"] = root
        return state

    def load_saved_state(self, state: dict) -> None:
        """Put back what ``saved_state`` returned (fields added since then keep their defaults)."""
        for name in PERSISTED:
            if name in state:
                setattr(self, name, state[name])
        root = dict(state.get("root") or {})
        key_fields = {f.name for f in fields(RootKey)}
        keys = [RootKey(**{k: v for k, v in key.items() if k in key_fields}) for key in root.pop("keys", [])]
        root_fields = {f.name for f in fields(RootState)}
        self.root = RootState(**{k: v for k, v in root.items() if k in root_fields}, keys=keys)

    def save(self) -> None:
        """Write moto's and the layer's state to the state file (under the request lock)."""
        if self.state_file is None:
            return
        try:
            skipped = persist.save(self.state_file, self.saved_state())
        except OSError as exc:
            # The account keeps working; the log says why a restart would lose the latest changes.
            log.error("could not save the account's state (%s)", exc.strerror or type(exc).__name__)
            return
        if skipped and skipped != self._unsaved:  # said once, not after every request
            log.warning("could not save the state of: %s", ", ".join(skipped))
        self._unsaved = skipped

    def restore(self) -> tuple[str, str]:
        """Load the saved state before serving: ("restored" | "none" | "unreadable", reason)."""
        if self.state_file is None:
            return "none", ""
        # A save cut short by a crash leaves its temp file (secrets inside): nobody will finish it.
        for leftover in self.state_file.parent.glob(f".{self.state_file.name}.*.tmp"):
            leftover.unlink(missing_ok=True)
        try:
            payload = persist.load(self.state_file)
        except persist.StateUnreadable as exc:
            self._set_aside()
            return "unreadable", str(exc)
        if payload is None:
            return "none", ""
        try:
            with self.lock:
                persist.install(payload)
                self.load_saved_state(payload["layer"])
        except Exception as exc:  # a half-restored account is worse than an empty one
            log.error("could not restore the saved state (%s)", type(exc).__name__)
            self._set_aside()
            with self.lock:
                self.console_reset({"scenario": "empty"})
            return "unreadable", f"it could not be put back ({type(exc).__name__})"
        return "restored", ""

    def _set_aside(self) -> None:
        # Kept (0600, like the original) for whoever wants to look; the next save writes a new file.
        try:
            os.replace(self.state_file, self.state_file.with_name(self.state_file.name + ".unreadable"))
        except OSError:
            pass

    def _call_moto(self, environ: dict, auth: bool) -> tuple[str, list, bytes]:
        captured: dict = {}
        chunks: list[bytes] = []

        def start_response(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return chunks.append

        with self.lock, self._enable_auth() if auth else self._disable_auth():
            result = self.app(environ, start_response)
            try:
                chunks.extend(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        return captured["status"], list(captured["headers"]), b"".join(chunks)

    def moto_query(self, service: str, action: str, params: dict[str, str] | None = None) -> tuple[int, str]:
        """Call moto's API directly (as an all-powerful internal caller); used for checks and setup."""
        version = "2010-05-08" if service == "iam" else "2011-06-15"
        body = urlencode({"Action": action, "Version": version, **(params or {})}).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-8",
            "CONTENT_LENGTH": str(len(body)),
            # moto picks the service from the credential scope; the signature is not checked
            # because authentication is off for internal calls.
            "HTTP_AUTHORIZATION": (
                f"AWS4-HMAC-SHA256 Credential=AKIASANDBOXINTERNAL/20260101/us-east-1/{service}/aws4_request, "
                "SignedHeaders=host, Signature=0"
            ),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        status, _headers, payload = self._call_moto(environ, auth=False)
        return int(status.split()[0]), payload.decode("utf-8", "replace")

    def moto_reset(self) -> None:
        """Wipe moto through its own reset endpoint."""
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/moto-api/reset",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        self._call_moto(environ, auth=False)

    def warm_up(self) -> None:
        """Build moto's IAM and STS state now (AWS managed policies load here), not on a learner's call."""
        self.moto_query("iam", "ListUsers")
        self.moto_query("sts", "GetCallerIdentity")

    # ------------------------------------------------------------------ dispatch
    def handle(self, environ: dict, body: bytes) -> tuple[str, list, bytes, str]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_sandbox/"):
            return self._sandbox_endpoint(environ, path, body)
        if path.startswith("/moto-api"):
            # moto's own control endpoints would let any local program wipe this account.
            if not self._token_ok(environ):
                return (*self._json(403, {"error": "Forbidden"}), "moto-api refused")
            status, headers, payload = self._call_moto(environ, auth=False)
            return status, headers, payload, "moto-api"
        req = self._parse(environ, body)
        label = f"{req.service or '?'}:{req.action or environ.get('REQUEST_METHOD', '')}"
        try:
            if req.key_id is None:
                raise ApiError("MissingAuthenticationToken", "Request is missing Authentication Token")
            lag.check_key(self, req.key_id)
            root_key = self._root_key(req.key_id)
            temporary = sessions.find(self, req.key_id) if root_key is None else None
            if temporary is not None:
                caller = "root-session" if temporary["principal"] == sessions.ROOT else "user-session"
                return (*sessions.handle(self, req, temporary), f"{label} caller={caller}")
            if root_key is not None:
                return (*self._as_root(req, root_key), f"{label} caller=root")
            if req.key_id in self.root.retired_keys or req.key_id in self.inactive_user_keys:
                raise ApiError("InvalidClientTokenId", "The security token included in the request is invalid.")
            return (*self._as_other(req), f"{label} caller=user")
        except ApiError as err:
            return (*self._error(req, err), f"{label} refused={err.code}")

    def _parse(self, environ: dict, body: bytes) -> Request:
        query = environ.get("QUERY_STRING", "")
        params: dict[str, str] = {}
        for source in (query, body.decode("utf-8", "replace") if self._is_form(environ) else ""):
            for name, values in parse_qs(source, keep_blank_values=True).items():
                params[name] = values[0]
        req = Request(
            environ=environ,
            method=environ.get("REQUEST_METHOD", "GET"),
            path=environ.get("PATH_INFO", "/"),
            query=query,
            body=body,
            params=params,
            action=params.get("Action", ""),
        )
        auth = environ.get("HTTP_AUTHORIZATION", "")
        scope = None
        match = re.search(r"Credential=([^,\s]+)", auth)
        if match:
            scope = match.group(1)
        elif "X-Amz-Credential" in params:
            scope = params["X-Amz-Credential"]
        if scope:
            parts = scope.split("/")
            req.key_id = parts[0]
            if len(parts) >= 4:
                req.region, req.service = parts[2], parts[3]
        return req

    @staticmethod
    def _is_form(environ: dict) -> bool:
        return environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded")

    def _root_key(self, key_id: str) -> RootKey | None:
        for key in self.root.keys:
            if key.key_id == key_id:
                return key
        return None

    # ------------------------------------------------------------------ signatures
    def _signature_ok(self, req: Request, secret: str) -> bool:
        auth = req.environ.get("HTTP_AUTHORIZATION", "")
        given = re.search(r"Signature=([0-9a-f]+)", auth)
        signed = re.search(r"SignedHeaders=([^,\s]+)", auth)
        if not given or not signed:
            # Presigned URLs carry the signature in the query; the lesson never uses them
            # with root keys, so they are refused rather than half-checked.
            return False
        headers = {}
        for name in signed.group(1).split(";"):
            if name == "content-type":
                value = req.environ.get("CONTENT_TYPE", "")
            elif name == "content-length":
                value = req.environ.get("CONTENT_LENGTH", "")
            else:
                value = req.environ.get("HTTP_" + name.upper().replace("-", "_"), "")
            headers[name] = value
        raw_uri = req.environ.get("RAW_URI") or req.environ.get("REQUEST_URI")
        if not raw_uri:
            raw_uri = quote(req.path) + (f"?{req.query}" if req.query else "")
        url = f"http://{headers.get('host', '127.0.0.1')}{raw_uri}"
        request = AWSRequest(method=req.method, url=url, data=req.body, headers=headers)
        request.context["timestamp"] = headers.get("x-amz-date", "")
        signer_cls = S3SigV4Auth if req.service == "s3" else SigV4Auth
        signer = signer_cls(Credentials(req.key_id, secret), req.service, req.region)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        return hmac.compare_digest(expected, given.group(1))

    # ------------------------------------------------------------------ the root
    @property
    def root_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:root"

    def _as_root(self, req: Request, key: RootKey) -> tuple[str, list, bytes]:
        if key.status != "Active":
            raise ApiError("InvalidClientTokenId", "The security token included in the request is invalid.")
        if not self._signature_ok(req, key.secret):
            raise ApiError(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method. Consult the service documentation "
                "for details.",
            )
        key.last_used, key.last_service, key.last_region = _now(), req.service or "N/A", req.region
        if req.service == "sts" and req.action == "GetSessionToken":
            if key.key_id.startswith("ASIA"):  # already temporary credentials
                raise ApiError("AccessDenied", "Cannot call GetSessionToken with session credentials")
            return sessions.session_token_for(self, req, sessions.ROOT)
        if req.service == "sts" and req.action == "GetCallerIdentity":
            return self._ok(
                req,
                f"<Arn>{self.root_arn}</Arn><UserId>{self.account_id}</UserId><Account>{self.account_id}</Account>",
            )
        if req.service == "iam":
            if req.action in ROOT_SELF_ACTIONS and not req.params.get("UserName"):
                return getattr(self, f"_root_{req.action}")(req, key)
            if req.action == "GetAccessKeyLastUsed" and self._root_key(req.params.get("AccessKeyId", "")):
                return self._root_last_used(req)
        return self._forward(req, auth=False)

    def _root_ListAccessKeys(self, req: Request, key: RootKey) -> tuple[str, list, bytes]:
        members = "".join(
            f"<member><AccessKeyId>{k.key_id}</AccessKeyId><Status>{k.status}</Status>"
            f"<CreateDate>{_iso(k.created)}</CreateDate></member>"
            for k in self.root.keys
        )
        return self._ok(req, f"<AccessKeyMetadata>{members}</AccessKeyMetadata><IsTruncated>false</IsTruncated>")

    def _root_CreateAccessKey(self, req: Request, key: RootKey) -> tuple[str, list, bytes]:
        new = self.create_root_key()
        lag.note_new_key(self, new.key_id)  # the console's key is handed over settled; the API's lags
        return self._ok(
            req,
            f"<AccessKey><AccessKeyId>{new.key_id}</AccessKeyId><SecretAccessKey>{new.secret}</SecretAccessKey>"
            f"<Status>Active</Status><CreateDate>{_iso(new.created)}</CreateDate></AccessKey>",
        )

    def _root_UpdateAccessKey(self, req: Request, key: RootKey) -> tuple[str, list, bytes]:
        target = self._root_target(req)
        status = req.params.get("Status", "")
        if status not in ("Active", "Inactive"):
            raise ApiError(
                "ValidationError",
                f"1 validation error detected: Value '{escape(status)}' at 'status' failed to satisfy "
                "constraint: Member must satisfy enum value set: [Active, Inactive]",
            )
        target.status = status
        return self._ok(req, None)

    def _root_DeleteAccessKey(self, req: Request, key: RootKey) -> tuple[str, list, bytes]:
        target = self._root_target(req)
        lag.root_keys_changed(self, len(self.root.keys))
        self.root.keys.remove(target)
        self.root.retired_keys.add(target.key_id)
        return self._ok(req, None)

    def _root_target(self, req: Request) -> RootKey:
        key_id = req.params.get("AccessKeyId", "")
        target = self._root_key(key_id)
        if target is None:
            raise ApiError("NoSuchEntity", f"The Access Key with id {escape(key_id)} cannot be found.")
        return target

    def _root_GetUser(self, req: Request, key: RootKey) -> tuple[str, list, bytes]:
        return self._ok(
            req,
            f"<User><UserId>{self.account_id}</UserId><Arn>{self.root_arn}</Arn>"
            f"<CreateDate>{_iso(self.root.created)}</CreateDate></User>",
        )

    def _root_ListMFADevices(self, req: Request, key: RootKey) -> tuple[str, list, bytes]:
        member = ""
        if self.root.mfa_enabled:
            member = (
                f"<member><SerialNumber>{self.root.mfa_serial}</SerialNumber>"
                f"<EnableDate>{_iso(self.root.mfa_enabled)}</EnableDate></member>"
            )
        return self._ok(req, f"<MFADevices>{member}</MFADevices><IsTruncated>false</IsTruncated>")

    def _root_last_used(self, req: Request) -> tuple[str, list, bytes]:
        target = self._root_target(req)
        if target.last_used:
            used = (
                f"<LastUsedDate>{_iso(target.last_used)}</LastUsedDate>"
                f"<ServiceName>{target.last_service}</ServiceName><Region>{target.last_region}</Region>"
            )
        else:
            used = "<ServiceName>N/A</ServiceName><Region>N/A</Region>"
        return self._ok(req, f"<UserName>root</UserName><AccessKeyLastUsed>{used}</AccessKeyLastUsed>")

    def create_root_key(self) -> RootKey:
        """A new root access key (AWS allows two), as the console's "Create access key" makes it."""
        if len(self.root.keys) >= MAX_KEYS:
            raise ApiError("LimitExceeded", f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS}")
        key = RootKey(new_key_id(), new_secret(), _now())
        lag.root_keys_changed(self, len(self.root.keys))
        self.root.keys.append(key)
        self.issued_secrets.add(key.secret)
        return key

    # ------------------------------------------------------------------ everyone else
    def _as_other(self, req: Request) -> tuple[str, list, bytes]:
        answered = sessions.long_term_user(self, req)
        if answered is not None:
            return answered
        return self._forward(req, auth=True)

    def _forward(self, req: Request, auth: bool) -> tuple[str, list, bytes]:
        """Pass the request to moto, with the fidelity checks before and the root's facts after."""
        if req.service == "iam" and req.action in ("CreateLoginProfile", "UpdateLoginProfile", "ChangePassword"):
            # Typed passwords are secrets too, even the ones the policy refuses.
            self.issued_secrets.update(
                req.params[name] for name in ("Password", "NewPassword", "OldPassword") if req.params.get(name)
            )
        if req.service == "iam" and (not auth or self._may_attempt(req)):
            self._check_before(req)
        local = self._answer_here(req, auth) or lag.answer_report(self, req)
        if local is not None:
            return local
        req.environ["wsgi.input"] = io.BytesIO(req.body)
        status, headers, payload = self._call_moto(req.environ, auth=auth)
        if auth and self._mfa_self_service_allowed(req, status, payload):
            req.environ["wsgi.input"] = io.BytesIO(req.body)
            status, headers, payload = self._call_moto(req.environ, auth=False)
        if req.service == "iam" and req.action == "ChangePassword":
            # moto has no ChangePassword, and it cannot match IAMUserChangePassword's resource
            # (``user/${aws:username}``). An AccessDenied from moto still proves the signature was
            # right (moto checks it first); the permission is then decided here.
            denied = status.startswith("403") and b"AccessDenied" in payload
            if not status.startswith("4") or denied:
                return self._change_password(req)
        if self._json_service_got_xml_error(req, status, payload):
            # moto answers every authentication error in XML; JSON services' clients cannot parse
            # that and show a bare "403". Re-shape it as those services do.
            text = payload.decode("utf-8", "replace")
            code = _xml_text(text, "Code") or "AccessDenied"
            code = {"AccessDenied": "AccessDeniedException"}.get(code, code)
            message = _unescape(_xml_text(text, "Message") or "Access denied")
            return self._error(req, ApiError(code, message, status=int(status.split()[0])))
        if req.service == "iam" and status.startswith("200"):
            payload = self._rewrite_after(req, payload)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(payload))))
        return status, headers, payload

    def _answer_here(self, req: Request, auth: bool) -> tuple[str, list, bytes] | None:
        """IAM actions moto lacks (it fails inside): answered here, after moto has checked the caller."""
        handler = getattr(self, f"_local_{req.action}", None)
        if req.service != "iam" or handler is None:
            return None
        if auth:
            # moto checks the signature and the user's permission before it looks for the action:
            # a 4xx is its verdict on the caller; a failure past that point means "allowed".
            req.environ["wsgi.input"] = io.BytesIO(req.body)
            try:
                status, headers, payload = self._call_moto(req.environ, auth=True)
            except Exception:  # moto has no code for this action
                status, headers, payload = "500 Internal Server Error", [], b""
            if status.startswith("4") and not self._mfa_self_service_allowed(req, status, payload):
                return status, headers, payload
        return handler(req)

    def _mfa_self_service_allowed(self, req: Request, status: str, payload: bytes) -> bool:
        """After moto's AccessDenied for an MFA self-service action: do the user's policies allow it?"""
        if req.service != "iam" or req.action not in MFA_SELF_SERVICE_ACTIONS:
            return False
        # Only AccessDenied: a bad signature or unknown key (SignatureDoesNotMatch, InvalidClientTokenId)
        # stays refused.
        if not status.startswith("403") or b"<Code>AccessDenied</Code>" not in payload:
            return False
        name = self._user_of_key(req.key_id or "")
        if name is None:
            return False
        return self._user_allowed(name, f"iam:{req.action}", self._mfa_resource(req, name))

    def _mfa_resource(self, req: Request, caller: str) -> str:
        """The resource ARN IAM authorises an MFA action against (``mfa/...`` or ``user/...``)."""
        params = req.params
        if req.action == "CreateVirtualMFADevice":
            path = params.get("Path") or "/"
            return f"arn:aws:iam::{self.account_id}:mfa{path}{params.get('VirtualMFADeviceName', '')}"
        if req.action == "DeleteVirtualMFADevice":
            return params.get("SerialNumber", "")
        return f"arn:aws:iam::{self.account_id}:user/{params.get('UserName') or caller}"

    def _local_ListServiceSpecificCredentials(self, req: Request) -> tuple[str, list, bytes]:
        # The lesson creates no service-specific credentials (CodeCommit, Keyspaces): always none.
        return self._ok(req, "<ServiceSpecificCredentials/><IsTruncated>false</IsTruncated>")

    def _local_ResyncMFADevice(self, req: Request) -> tuple[str, list, bytes]:
        serial = req.params.get("SerialNumber", "")
        seed = self.mfa_seeds.get(serial)
        if seed is None and self.root.mfa_enabled and serial == self.root.mfa_serial:
            seed = self.root.mfa_seed
        if seed is None:
            raise ApiError("NoSuchEntity", f"MFA Device with serial number {escape(serial)} does not exist.")
        # Resync exists for a drifted clock: any two consecutive codes in the window will do (even
        # one already used to enable); the step is then remembered, so those codes cannot enable again.
        step = _totp.matching_step(
            seed, req.params.get("AuthenticationCode1", ""), req.params.get("AuthenticationCode2", "")
        )
        if step is None:
            raise ApiError("InvalidAuthenticationCode", "Authentication code for device is not valid.")
        self.mfa_last_step[serial] = max(step, self.mfa_last_step.get(serial, -1))
        return self._ok(req, None)

    def _json_service_got_xml_error(self, req: Request, status: str, payload: bytes) -> bool:
        if not status.startswith("403") or req.service in ("s3", "iam", "sts") or self._is_form(req.environ):
            return False
        return payload.lstrip().startswith(b"<") and b"<ErrorResponse" in payload

    def _may_attempt(self, req: Request) -> bool:
        """Whether an IAM user's policies allow this action: AWS says AccessDenied before judging input."""
        if req.action not in PRECHECKED_ACTIONS:
            return True
        name = self._user_of_key(req.key_id or "")
        # Unknown key: moto refuses it. Denied: moto says AccessDenied. Either way, skip the checks.
        if name is None:
            return False
        resource = self._mfa_resource(req, name) if req.action in MFA_SELF_SERVICE_ACTIONS else "*"
        return self._user_allowed(name, f"iam:{req.action}", resource)

    def _check_before(self, req: Request) -> None:
        action, params = req.action, req.params
        if action == "CreateUser":
            self._check_new_user_name(params.get("UserName", ""))
        elif action == "UpdateUser" and params.get("NewUserName"):
            self._check_new_user_name(params["NewUserName"], current=params.get("UserName"))
        elif action in ("CreateLoginProfile", "UpdateLoginProfile") and "Password" in params:
            self._check_password(params["Password"])
        elif action == "ChangePassword":
            self._check_password(params.get("NewPassword", ""))
        elif action == "EnableMFADevice":
            self._check_user_mfa(
                params.get("SerialNumber", ""),
                params.get("AuthenticationCode1", ""),
                params.get("AuthenticationCode2", ""),
            )
        elif action == "DeleteUser":
            self._check_delete_user(params.get("UserName", ""))

    def _check_new_user_name(self, name: str, current: str | None = None) -> None:
        field_name = "newUserName" if current is not None else "userName"
        if not name:
            raise ApiError(
                "ValidationError",
                f"1 validation error detected: Value at '{field_name}' failed to satisfy constraint: "
                "Member must not be null",
            )
        if len(name) > 64:
            raise ApiError(
                "ValidationError",
                f"1 validation error detected: Value '{escape(name)}' at '{field_name}' failed to satisfy "
                "constraint: Member must have length less than or equal to 64",
            )
        if not USER_NAME_RE.match(name):
            raise ApiError(
                "ValidationError",
                f"1 validation error detected: Value '{escape(name)}' at '{field_name}' failed to satisfy "
                r"constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+",
            )
        for existing in self._user_names():
            if existing.lower() == name.lower() and existing != current:
                raise ApiError("EntityAlreadyExists", f"User with name {escape(name)} already exists.")

    def _user_names(self) -> list[str]:
        names, marker = [], None
        while True:
            _status, body = self.moto_query("iam", "ListUsers", {"Marker": marker} if marker else {})
            names += [_unescape(n) for n in _xml_all(body, "UserName")]
            marker = _xml_text(body, "Marker")
            if _xml_text(body, "IsTruncated") != "true" or not marker:
                return names

    def _check_password(self, password: str) -> None:
        status, body = self.moto_query("iam", "GetAccountPasswordPolicy")
        policy = None
        if status == 200:
            inner = _xml_text(body, "PasswordPolicy") or ""
            policy = dict(re.findall(r"<(\w+)>([^<]*)</\1>", inner))
        problems = password_problems(password, policy)
        if problems:
            raise ApiError("PasswordPolicyViolation", "; ".join(problems) + ".")

    def _check_user_mfa(self, serial: str, code1: str, code2: str) -> None:
        seed = self.mfa_seeds.get(serial)
        step = None
        if seed:
            step = _totp.matching_step(seed, code1, code2, self.mfa_last_step.get(serial, -1))
        if step is None:
            raise ApiError("InvalidAuthenticationCode", "Authentication code for device is not valid.")
        self.mfa_last_step[serial] = step

    def _check_delete_user(self, name: str) -> None:
        if not name:
            return
        checks = [
            ("ListAccessKeys", "AccessKeyId", "Cannot delete entity, must delete access keys first."),
            ("ListMFADevices", "SerialNumber", "Cannot delete entity, must delete MFA device first."),
            ("ListGroupsForUser", "GroupName", "Cannot delete entity, must remove users from group first."),
            ("ListAttachedUserPolicies", "PolicyArn", "Cannot delete entity, must detach all policies first."),
            ("ListUserPolicies", "member", "Cannot delete entity, must delete policies first."),
        ]
        status, _body = self.moto_query("iam", "GetLoginProfile", {"UserName": name})
        if status == 200:
            raise ApiError("DeleteConflict", "Cannot delete entity, must delete login profile first.")
        for action, tag, message in checks:
            status, body = self.moto_query("iam", action, {"UserName": name})
            if status != 200:
                return  # e.g. NoSuchEntity: let moto give its own answer
            if _xml_all(body, tag):
                raise ApiError("DeleteConflict", message)

    def _rewrite_after(self, req: Request, payload: bytes) -> bytes:
        action, text = req.action, payload.decode("utf-8")
        self._remember_secrets(req, text)
        if action == "GetAccountSummary":
            text = self._rewrite_summary(text)
        elif action == "GetCredentialReport":
            text = self._rewrite_report(text)
        elif action == "ListVirtualMFADevices":
            text = self._rewrite_virtual_devices(text, req.params.get("AssignmentStatus", "Any"))
        elif action == "CreateVirtualMFADevice":
            text = self._record_virtual_device(text)
        elif action == "DeleteVirtualMFADevice":
            self.mfa_seeds.pop(req.params.get("SerialNumber", ""), None)
        elif action == "ListAccessKeys":
            text = self._rewrite_key_dates(text)
        elif action == "CreateAccessKey":
            lag.note_new_key(self, _unescape(_xml_text(text, "AccessKeyId") or ""))

        elif action == "UpdateAccessKey":
            key_id = req.params.get("AccessKeyId", "")
            if req.params.get("Status") == "Inactive":
                self.inactive_user_keys.add(key_id)
            else:
                self.inactive_user_keys.discard(key_id)
        elif action == "DeleteAccessKey":
            self.inactive_user_keys.discard(req.params.get("AccessKeyId", ""))
        elif action in ("CreateLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile"):
            text = self._fix_login_profile(req, text)
        if action in ("GenerateCredentialReport", "GetCredentialReport"):
            lag.after_report(self, req, text.encode("utf-8"))
        return text.encode("utf-8")

    def _remember_secrets(self, req: Request, text: str) -> None:
        """Note the key secret a successful CreateAccessKey handed out (for the leak search only)."""
        if req.action == "CreateAccessKey":
            secret = _xml_text(text, "SecretAccessKey")
            if secret:
                self.issued_secrets.add(_unescape(secret))

    def _fix_login_profile(self, req: Request, text: str) -> str:
        params, action = req.params, req.action
        if action == "DeleteLoginProfile":
            self.console_passwords.pop(params.get("UserName", ""), None)
            return text
        name = params.get("UserName", "")
        old_password, old_reset = self.console_passwords.get(name, ("", False))
        password = params.get("Password") or old_password
        flag = params.get("PasswordResetRequired")
        reset = flag.lower() == "true" if flag is not None else old_reset
        self._store_login_profile(name, password, reset)
        return re.sub(
            r"<PasswordResetRequired>\w*</PasswordResetRequired>",
            f"<PasswordResetRequired>{'true' if reset else 'false'}</PasswordResetRequired>",
            text,
        )

    def _store_login_profile(self, name: str, password: str, reset: bool) -> None:
        self.console_passwords[name] = (password, reset)
        status, _body = self.moto_query("iam", "GetLoginProfile", {"UserName": name})
        if status != 200:  # moto's UpdateLoginProfile without a password erased it
            self.moto_query("iam", "CreateLoginProfile", {"UserName": name, "Password": password})
        self.moto_query(
            "iam",
            "UpdateLoginProfile",
            {"UserName": name, "Password": password, "PasswordResetRequired": "true" if reset else "false"},
        )

    def _change_password(self, req: Request) -> tuple[str, list, bytes]:
        """IAM users change their own console password (AWS then drops the reset requirement)."""
        name = self._user_of_key(req.key_id or "")
        if name is None:
            raise ApiError("InvalidUserType", "Only IAM users can change their own password here.")
        arn = f"arn:aws:iam::{self.account_id}:user/{name}"
        if not self._user_allowed(name, "iam:ChangePassword", arn):
            raise ApiError(
                "AccessDenied", f"User: {arn} is not authorized to perform: iam:ChangePassword on resource: {arn}"
            )
        known, _reset = self.console_passwords.get(name, (None, False))
        if known is None:
            raise ApiError("NoSuchEntity", f"Login profile for {escape(name)} not found")
        if not hmac.compare_digest(known.encode(), req.params.get("OldPassword", "").encode()):
            raise ApiError("InvalidUserType", "The old password is incorrect.", status=400)
        self._store_login_profile(name, req.params.get("NewPassword", ""), False)
        return self._ok(req, None)

    def _user_policies(self, name: str) -> list[dict]:
        """Every policy document that applies to user *name* (attached, inline, through groups)."""
        documents: list[str] = []

        def managed(arns: list[str]) -> None:
            for arn in arns:
                _s, body = self.moto_query("iam", "GetPolicy", {"PolicyArn": _unescape(arn)})
                version = _xml_text(body, "DefaultVersionId") or "v1"
                _s, body = self.moto_query(
                    "iam", "GetPolicyVersion", {"PolicyArn": _unescape(arn), "VersionId": version}
                )
                documents.append(_xml_text(body, "Document") or "")

        def inline(kind: str, owner: str) -> None:
            _s, body = self.moto_query("iam", f"List{kind}Policies", {f"{kind}Name": owner})
            for policy in _xml_all(body, "member"):
                _s, doc = self.moto_query(
                    "iam", f"Get{kind}Policy", {f"{kind}Name": owner, "PolicyName": _unescape(policy)}
                )
                documents.append(_xml_text(doc, "PolicyDocument") or "")

        _s, body = self.moto_query("iam", "ListAttachedUserPolicies", {"UserName": name})
        managed(_xml_all(body, "PolicyArn"))
        inline("User", name)
        _s, body = self.moto_query("iam", "ListGroupsForUser", {"UserName": name})
        for group in _xml_all(body, "GroupName"):
            _s, attached = self.moto_query("iam", "ListAttachedGroupPolicies", {"GroupName": _unescape(group)})
            managed(_xml_all(attached, "PolicyArn"))
            inline("Group", _unescape(group))
        parsed = []
        for document in documents:
            text = unquote(_unescape(document))
            try:
                parsed.append(json.loads(text))
            except ValueError:
                continue
        return parsed

    def _user_allowed(self, name: str, action: str, resource: str, context: dict | None = None) -> bool:
        """IAM's verdict for one action: an explicit Deny wins, else any Allow (Resource variables filled in).

        Conditions: ``Bool``/``BoolIfExists`` on ``aws:MultiFactorAuthPresent`` are evaluated against
        *context* (long-term keys: the key is absent); a statement with any other condition does not
        apply (it neither allows nor denies). ``NotAction`` is honoured.
        """
        allowed = False
        for document in self._user_policies(name):
            statements = document.get("Statement", [])
            for statement in statements if isinstance(statements, list) else [statements]:
                resources = statement.get("Resource", [])
                resources = [resources] if isinstance(resources, str) else resources
                resources = [r.replace("${aws:username}", name) for r in resources]
                if "NotAction" in statement:
                    not_actions = statement["NotAction"]
                    not_actions = [not_actions] if isinstance(not_actions, str) else not_actions
                    if any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in not_actions):
                        continue
                else:
                    actions = statement.get("Action", [])
                    actions = [actions] if isinstance(actions, str) else actions
                    if not any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in actions):
                        continue
                if "Condition" in statement and not sessions.condition_matches(statement["Condition"], context or {}):
                    continue
                if resource != "*" and not any(fnmatch.fnmatchcase(resource, r) for r in resources):
                    continue
                if statement.get("Effect") == "Deny":
                    return False
                allowed = allowed or statement.get("Effect") == "Allow"
        return allowed

    def _user_of_key(self, key_id: str) -> str | None:
        for name in self._user_names():
            _status, body = self.moto_query("iam", "ListAccessKeys", {"UserName": name})
            if key_id in _xml_all(body, "AccessKeyId"):
                return name
        return None

    def _rewrite_summary(self, text: str) -> str:
        facts = {
            "AccountAccessKeysPresent": lag.keys_present(self, 1 if self.root.keys else 0),
            "AccountMFAEnabled": 1 if self.root.mfa_enabled else 0,
            "AccountPasswordPresent": 1 if self.root.password_present else 0,
        }
        for name, value in facts.items():
            text, count = re.subn(rf"(<key>{name}</key>\s*<value>)\d+(</value>)", rf"\g<1>{value}\g<2>", text)
            if not count:
                text = text.replace(
                    "</SummaryMap>", f"<entry><key>{name}</key><value>{value}</value></entry></SummaryMap>", 1
                )
        return text

    def root_report_row(self) -> str:
        """The credential report's ``<root_account>`` row, with AWS's values for the root user."""
        keys = list(self.root.keys) + [None, None]
        cells = [
            "<root_account>",
            self.root_arn,
            self.root.created.strftime(REPORT_DATE),
            "not_supported" if self.root.password_present else "false",  # password_enabled
            "no_information",  # password_last_used: the sandbox root never signs in to a console
            "not_supported",  # password_last_changed
            "not_supported",  # password_next_rotation
            "true" if self.root.mfa_enabled else "false",
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

    def _rewrite_report(self, text: str) -> str:
        content = _xml_text(text, "Content")
        if content is None:
            return text
        report = base64.b64decode(content).decode("utf-8")
        lines = report.splitlines(keepends=True)
        if not lines:
            return text
        header = lines[0] if lines[0].endswith("\n") else lines[0] + "\n"
        rows = [self._backdate_row(line) for line in lines[1:]]
        new = header + self.root_report_row() + "".join(rows)
        text = text.replace(content, base64.b64encode(new.encode("utf-8")).decode("ascii"), 1)
        # moto answers a fixed 2015 date, which would make any freshness check call the report
        # stale; its content is computed on each call, so "now" is the honest time.
        return re.sub(r"<GeneratedTime>[^<]*</GeneratedTime>", f"<GeneratedTime>{_iso(_now())}</GeneratedTime>", text)

    def _backdate_row(self, line: str) -> str:
        if not self.backdated:
            return line
        cells = next(csv.reader([line]))
        name = cells[0]
        _status, body = self.moto_query("iam", "ListAccessKeys", {"UserName": name})
        for index, key_id in enumerate(_xml_all(body, "AccessKeyId")[:2]):
            if key_id in self.backdated:
                cells[9 + 5 * index] = self.backdated[key_id].strftime(REPORT_DATE)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(cells)
        return out.getvalue()

    def _rewrite_key_dates(self, text: str) -> str:
        for key_id, created in self.backdated.items():
            text = re.sub(
                rf"(<AccessKeyId>{key_id}</AccessKeyId>.*?<CreateDate>)[^<]*(</CreateDate>)",
                rf"\g<1>{_iso(created)}\g<2>",
                text,
                flags=re.S,
            )
        return text

    def _rewrite_virtual_devices(self, text: str, assignment: str) -> str:
        if not self.root.mfa_enabled or assignment == "Unassigned":
            return text
        member = (
            f"<member><SerialNumber>{self.root.mfa_serial}</SerialNumber><User><UserId>{self.account_id}</UserId>"
            f"<Arn>{self.root_arn}</Arn><CreateDate>{_iso(self.root.created)}</CreateDate></User>"
            f"<EnableDate>{_iso(self.root.mfa_enabled)}</EnableDate></member>"
        )
        if "</VirtualMFADevices>" in text:
            return text.replace("<VirtualMFADevices>", f"<VirtualMFADevices>{member}", 1)
        if "<VirtualMFADevices/>" in text:
            return text.replace("<VirtualMFADevices/>", f"<VirtualMFADevices>{member}</VirtualMFADevices>", 1)
        return text.replace("<IsTruncated>", f"<VirtualMFADevices>{member}</VirtualMFADevices><IsTruncated>", 1)

    def _record_virtual_device(self, text: str) -> str:
        serial = _xml_text(text, "SerialNumber")
        seed_b64 = _xml_text(text, "Base32StringSeed")
        if not serial or not seed_b64:
            return text
        seed = base64.b64decode(seed_b64).decode("ascii")
        self.mfa_seeds[serial] = seed
        self.issued_secrets.add(seed)
        # A new device under an old name has a new seed: codes used with the old one say nothing.
        self.mfa_last_step.pop(serial, None)
        name = serial.split(":mfa/", 1)[-1].rsplit("/", 1)[-1]
        png = base64.b64encode(qr_png(otpauth_uri(name, self.account_id, seed))).decode("ascii")
        return re.sub(r"<QRCodePNG>[^<]*</QRCodePNG>", f"<QRCodePNG>{png}</QRCodePNG>", text, count=1)

    # ------------------------------------------------------------------ responses
    def _ok(self, req: Request, inner: str | None) -> tuple[str, list, bytes]:
        ns = STS_NS if req.service == "sts" else IAM_NS
        result = f"<{req.action}Result>{inner}</{req.action}Result>" if inner is not None else ""
        xml = (
            f'<{req.action}Response xmlns="{ns}">{result}'
            f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
            f"</{req.action}Response>"
        )
        return self._bytes(200, "text/xml", xml.encode("utf-8"))

    def _error(self, req: Request | None, err: ApiError) -> tuple[str, list, bytes]:
        content_type = (req.environ.get("CONTENT_TYPE", "") if req else "") or ""
        service = req.service if req else ""
        request_id = str(uuid.uuid4())
        is_query = req is not None and (self._is_form(req.environ) or req.service in ("iam", "sts"))
        if "json" in content_type or (req is not None and service not in ("s3", "") and not is_query):
            body = json.dumps({"__type": err.code, "message": err.message}).encode()
            status, headers, payload = self._bytes(err.status, "application/x-amz-json-1.1", body)
            headers.append(("x-amzn-ErrorType", err.code))
            return status, headers, payload
        if service == "s3":
            code = {"InvalidClientTokenId": "InvalidAccessKeyId"}.get(err.code, err.code)
            xml = (
                f"<Error><Code>{code}</Code><Message>{escape(err.message)}</Message>"
                f"<RequestId>{request_id}</RequestId></Error>"
            )
            return self._bytes(err.status, "application/xml", xml.encode())
        ns = STS_NS if service == "sts" else IAM_NS
        kind = "Receiver" if err.status >= 500 else "Sender"
        xml = (
            f'<ErrorResponse xmlns="{ns}"><Error><Type>{kind}</Type><Code>{err.code}</Code>'
            f"<Message>{escape(err.message, quote=False)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return self._bytes(err.status, "text/xml", xml.encode("utf-8"))

    @staticmethod
    def _bytes(status: int, content_type: str, payload: bytes) -> tuple[str, list, bytes]:
        reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict"}.get(status, "")
        headers = [("Content-Type", content_type), ("Content-Length", str(len(payload)))]
        return f"{status} {reason}".strip(), headers, payload

    def _json(self, status: int, data: dict) -> tuple[str, list, bytes]:
        return self._bytes(status, "application/json", json.dumps(data).encode())

    # ------------------------------------------------------------------ console stand-ins
    def _token_ok(self, environ: dict) -> bool:
        # As bytes: compare_digest refuses non-ASCII str, and a header is any Latin-1 text.
        given = environ.get(TOKEN_HEADER, "").encode("latin-1", "replace")
        return hmac.compare_digest(given, self.token.encode("latin-1", "replace"))

    def _sandbox_endpoint(self, environ: dict, path: str, body: bytes) -> tuple[str, list, bytes, str]:
        label = f"sandbox:{path[len('/_sandbox/') :]}"
        if path == "/_sandbox/health":
            return (*self._json(200, self.health()), label)
        if not self._token_ok(environ):
            return (*self._json(403, {"error": "Forbidden", "message": "Wrong sandbox token."}), label + " refused")
        try:
            data = json.loads(body or b"{}")
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except ValueError:
            return (*self._json(400, {"error": "BadRequest", "message": "The request body is not JSON."}), label)
        handlers = {
            "/_sandbox/reset": self.console_reset,
            "/_sandbox/root": lambda d: self.root_state(),
            "/_sandbox/root/access-key": self.console_create_root_key,
            "/_sandbox/root/access-key/status": self.console_root_key_status,
            "/_sandbox/root/access-key/delete": self.console_delete_root_key,
            "/_sandbox/root/mfa/create": self.console_create_mfa,
            "/_sandbox/root/mfa/enable": self.console_enable_mfa,
            "/_sandbox/root/mfa/remove": self.console_remove_mfa,
            "/_sandbox/backdate-key": self.console_backdate_key,
            "/_sandbox/root/login": lambda d: sessions.root_login(self, float(d.get("hours") or sessions.LOGIN_HOURS)),
            "/_sandbox/root/remove-credentials": self.console_remove_root_credentials,
            "/_sandbox/options": self.console_options,
            "/_sandbox/mfa-seed": lambda d: {"seed": self.mfa_seeds.get(str(d.get("serial", "")))},
            "/_sandbox/issued-secrets": lambda d: {"secrets": sorted(self.issued_secrets)},
        }
        handler = handlers.get(path)
        if handler is None:
            return (*self._json(404, {"error": "NotFound", "message": f"No sandbox endpoint {path}."}), label)
        try:
            return (*self._json(200, handler(data)), label)
        except ApiError as err:
            return (*self._json(err.status, {"error": err.code, "message": err.message}), label + f" {err.code}")

    def health(self) -> dict:
        """What ``status`` shows: no secret in it."""
        return {
            "ok": True,
            "pid": os.getpid(),
            "account_id": self.account_id,
            "scenario": self.scenario,
            "started_at": self.started_at,
        }

    def console_reset(self, data: dict) -> dict:
        """Wipe moto and the root's state; the scenario is then built through the API."""
        wipe = data.get("wipe", True) is not False
        if wipe:
            self.moto_reset()
        self.root = RootState()
        self.mfa_seeds.clear()
        self.mfa_last_step.clear()
        self.inactive_user_keys.clear()
        self.backdated.clear()
        self.console_passwords.clear()
        self.sessions.clear()
        self.lag_state.clear()
        self.scenario = str(data.get("scenario") or "empty")
        if wipe:
            self.warm_up()
        return {"ok": True, "account_id": self.account_id}

    def root_state(self) -> dict:
        """The root user as the console's security-credentials page shows it (no secrets)."""
        return {
            "account_id": self.account_id,
            "arn": self.root_arn,
            "created": _iso(self.root.created),
            "access_keys": [
                {
                    "access_key_id": k.key_id,
                    "status": k.status,
                    "created": _iso(k.created),
                    "last_used": _iso(k.last_used) if k.last_used else None,
                }
                for k in self.root.keys
            ],
            "mfa_serial": self.root.mfa_serial if self.root.mfa_enabled else None,
            "mfa_enabled": _iso(self.root.mfa_enabled) if self.root.mfa_enabled else None,
        }

    def console_create_root_key(self, data: dict) -> dict:
        key = self.create_root_key()
        return {"access_key_id": key.key_id, "secret_access_key": key.secret, "created": _iso(key.created)}

    def _console_root_key(self, data: dict) -> RootKey:
        key_id = str(data.get("access_key_id", ""))
        key = self._root_key(key_id)
        if key is None:
            raise ApiError("NoSuchEntity", f"The root user has no access key {escape(key_id)}.")
        return key

    def console_root_key_status(self, data: dict) -> dict:
        """Console: "Activate" / "Deactivate" a root key (the way back after deactivating the only one)."""
        status = str(data.get("status", ""))
        if status not in ("Active", "Inactive"):
            raise ApiError("ValidationError", "The status must be Active or Inactive.")
        self._console_root_key(data).status = status
        return {"ok": True}

    def console_delete_root_key(self, data: dict) -> dict:
        """Console: "Delete" a root key (no key needed to sign, unlike the API)."""
        key = self._console_root_key(data)
        lag.root_keys_changed(self, len(self.root.keys))
        self.root.keys.remove(key)
        self.root.retired_keys.add(key.key_id)
        return {"ok": True}

    def console_create_mfa(self, data: dict) -> dict:
        if self.root.mfa_enabled:
            raise ApiError(
                "EntityAlreadyExists",
                "The root user already has an MFA device. Remove it first to assign a new one.",
            )
        seed = base64.b32encode(secrets.token_bytes(40)).decode("ascii")
        self.root.pending_seed = seed
        self.issued_secrets.add(seed)
        serial = f"arn:aws:iam::{self.account_id}:mfa/{ROOT_MFA_NAME}"
        # Removed and assigned again within a minute: the new seed's codes are not "reused".
        self.mfa_last_step.pop(serial, None)
        png = qr_png(otpauth_uri(ROOT_MFA_NAME, self.account_id, seed))
        return {"serial": serial, "seed": seed, "qr_png": base64.b64encode(png).decode("ascii")}

    def console_enable_mfa(self, data: dict) -> dict:
        serial = f"arn:aws:iam::{self.account_id}:mfa/{ROOT_MFA_NAME}"
        seed = self.root.pending_seed
        if seed is None or data.get("serial") != serial:
            raise ApiError("NoSuchEntity", "There is no MFA device waiting to be enabled: create one first.")
        step = _totp.matching_step(
            seed, str(data.get("code1", "")), str(data.get("code2", "")), self.mfa_last_step.get(serial, -1)
        )
        if step is None:
            raise ApiError(
                "InvalidAuthenticationCode",
                "Authentication code for device is not valid.",
            )
        self.mfa_last_step[serial] = step
        self.root.mfa_serial, self.root.mfa_seed, self.root.pending_seed = serial, seed, None
        self.root.mfa_enabled = _now()
        return {"ok": True, "serial": serial}

    def console_remove_mfa(self, data: dict) -> dict:
        removed = self.root.mfa_enabled is not None
        self.root.mfa_serial = self.root.mfa_seed = self.root.pending_seed = None
        self.root.mfa_enabled = None
        return {"ok": True, "removed": removed}

    def console_backdate_key(self, data: dict) -> dict:
        key_id, days = str(data.get("access_key_id", "")), int(data.get("days", 0))
        moment = _now() - timedelta(days=days)
        root_key = self._root_key(key_id)
        if root_key is not None:
            root_key.created = moment
        else:
            self.backdated[key_id] = moment
        return {"ok": True}

    def console_remove_root_credentials(self, data: dict) -> dict:
        """Organizations' central root access management: the root's keys, password and MFA removed."""
        for key in list(self.root.keys):
            lag.root_keys_changed(self, len(self.root.keys))
            self.root.keys.remove(key)
            self.root.retired_keys.add(key.key_id)
        self.root.mfa_serial = self.root.mfa_seed = self.root.pending_seed = None
        self.root.mfa_enabled = None
        self.root.password_present = False
        self.sessions = {k: s for k, s in self.sessions.items() if s.get("principal") != sessions.ROOT}
        return {"ok": True}

    def console_options(self, data: dict) -> dict:
        """Read or set the practice account's switches (``lag`` seconds, ``mfa_sessions``); saved with its state."""
        self.options.update(sessions.clean_options(data))
        return {"options": {**sessions.DEFAULT_OPTIONS, **self.options}}
