"""The WSGI app the sandbox serves: the root layer wrapped around moto's server app.

Each request is read (``wire``), its caller identified (a root key, temporary credentials from
``sessions``, an IAM user's key) and then answered here or passed to moto (``forward``). After
every request that may have changed the account, moto's state and the layer's (``AccountState``)
are saved (``persist``).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from helpers.sandbox import persist
from helpers.sandbox.root import console_api, forward, lag, root_user, sessions
from helpers.sandbox.root.state import AccountState, RootKey, wall_now
from helpers.sandbox.root.wire import (
    ApiError,
    Request,
    Response,
    error,
    internal_environ,
    invalid_token,
    json_answer,
    parse,
    read_body,
    token_ok,
)

log = logging.getLogger("helpers.sandbox.server")

# Requests that only read: no save after them. Anything else that succeeds is saved (a save too
# many costs a few milliseconds; a save too few loses the learner's work).
READ_ONLY_PREFIXES = ("Get", "List", "Describe", "Head")
CHANGING_READS = {"GetSessionToken", "GetFederationToken"}  # they hand out credentials
READ_ONLY_ENDPOINTS = {"/_sandbox/health", "/_sandbox/root", "/_sandbox/issued-secrets"}


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
        # One lock for every request: moto's authentication switch is process-wide, so a
        # root request (auth off) must never overlap a user's request (auth on).
        self.lock = threading.RLock()
        self.account = AccountState()  # everything a reset wipes
        # Kept by a reset: every secret this account handed out or was given (key secrets, MFA
        # seeds, console passwords), in memory only and never logged, for the test suite's leak
        # search (``/_sandbox/issued-secrets``); and the practice account's switches (``options``).
        self.issued_secrets: set[str] = set()
        self.options: dict = {}

    # ------------------------------------------------------------------ the clock
    def clock(self) -> float:
        """The account's time as an epoch: the machine's plus the offset a test set (``/_sandbox/clock``)."""
        return time.time() + self.account.clock_offset

    def now(self) -> datetime:
        """The account's time, whole seconds, UTC."""
        return wall_now() + timedelta(seconds=int(self.account.clock_offset))

    # ------------------------------------------------------------------ WSGI
    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        if environ.get("PATH_INFO") == "/_sandbox/health":
            # Never behind the lock: a slow request must not make the server look dead.
            status, headers, payload = json_answer(200, self.health())
            start_response(status, headers)
            return [payload]
        try:
            body = read_body(environ)
        except (ValueError, OSError):
            # A Content-Length that is not a number, or a body cut short: one line, never a traceback.
            status, headers, payload = json_answer(
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
            status, headers, payload = error(None, ApiError("InternalFailure", "The sandbox failed."))
            label = "error"
        log.info("%s %s %.1fms", label, status.split()[0], (time.perf_counter() - started) * 1000)
        start_response(status, headers)
        return [payload]

    def handle(self, environ: dict, body: bytes) -> tuple[str, list, bytes, str]:
        """One request: (status, headers, payload, log label)."""
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_sandbox/"):
            return console_api.answer(self, environ, path, body)
        if path.startswith("/moto-api"):
            # moto's own control endpoints would let any local program wipe this account.
            if not token_ok(environ, self.token):
                return (*json_answer(403, {"error": "Forbidden"}), "moto-api refused")
            return (*self.call_moto(environ, auth=False), "moto-api")
        req = parse(environ, body)
        label = f"{req.service or '?'}:{req.action or environ.get('REQUEST_METHOD', '')}"
        try:
            if req.key_id is None:
                raise ApiError("MissingAuthenticationToken", "Request is missing Authentication Token")
            lag.check_key(self, req.key_id)
            root_key = self.account.root.key(req.key_id)
            temporary = sessions.find(self, req.key_id) if root_key is None else None
            if temporary is not None:
                caller = "root-session" if temporary["principal"] == sessions.ROOT else "user-session"
                return (*sessions.handle(self, req, temporary), f"{label} caller={caller}")
            if root_key is not None:
                return (*self.as_root(req, root_key), f"{label} caller=root")
            if req.key_id in self.account.root.retired_keys or req.key_id in self.account.inactive_user_keys:
                raise invalid_token()
            return (*forward.as_user(self, req), f"{label} caller=user")
        except ApiError as err:
            return (*error(req, err), f"{label} refused={err.code}")

    def as_root(self, req: Request, key: RootKey) -> Response:
        """Signed by the root: answered here (``root_user``), or by moto with authentication off."""
        return root_user.answer(self, req, key) or forward.forward(self, req, auth=False)

    def forward(self, req: Request, auth: bool) -> Response:
        """Pass *req* to moto (``forward.forward``): for callers that ``forward`` itself depends on."""
        return forward.forward(self, req, auth)

    def health(self) -> dict:
        """What ``status`` shows: no secret in it."""
        return {
            "ok": True,
            "pid": os.getpid(),
            "account_id": self.account_id,
            "scenario": self.account.scenario,
            "started_at": self.started_at,
            "clock_offset": self.account.clock_offset,
        }

    def reset(self, scenario: str = "empty", wipe: bool = True) -> None:
        """A new account: moto wiped (unless *wipe* is False) and the layer's state replaced."""
        if wipe:
            self.moto_reset()
        self.account = AccountState(scenario=scenario)
        if wipe:
            self.warm_up()

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
        return {**self.account.to_dict(), "options": self.options, "issued_secrets": self.issued_secrets}

    def load_saved_state(self, state: dict) -> None:
        """Put back what ``saved_state`` returned (fields added since then keep their defaults)."""
        self.account = AccountState.from_dict(state)
        self.options = dict(state.get("options") or {})
        self.issued_secrets = set(state.get("issued_secrets") or ())

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
            persist.set_aside(self.state_file)
            return "unreadable", str(exc)
        if payload is None:
            return "none", ""
        try:
            with self.lock:
                persist.install(payload)
                self.load_saved_state(payload["layer"])
        except Exception as exc:  # a half-restored account is worse than an empty one
            log.error("could not restore the saved state (%s)", type(exc).__name__)
            persist.set_aside(self.state_file)
            with self.lock:
                self.reset("empty")
            return "unreadable", f"it could not be put back ({type(exc).__name__})"
        return "restored", ""

    # ------------------------------------------------------------------ moto
    def call_moto(self, environ: dict, auth: bool) -> Response:
        """moto's answer to *environ* (*auth*: IAM authentication on, as for an IAM user)."""
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
        # moto picks the service from the credential scope; the signature is not checked
        # because authentication is off for internal calls.
        authorization = (
            f"AWS4-HMAC-SHA256 Credential=AKIASANDBOXINTERNAL/20260101/us-east-1/{service}/aws4_request, "
            "SignedHeaders=host, Signature=0"
        )
        environ = internal_environ("/", body, {"Authorization": authorization})
        status, _headers, payload = self.call_moto(environ, auth=False)
        return int(status.split()[0]), payload.decode("utf-8", "replace")

    def moto_reset(self) -> None:
        """Wipe moto through its own reset endpoint."""
        self.call_moto(internal_environ("/moto-api/reset"), auth=False)

    def warm_up(self) -> None:
        """Build moto's IAM and STS state now (AWS managed policies load here), not on a learner's call."""
        self.moto_query("iam", "ListUsers")
        self.moto_query("sts", "GetCallerIdentity")
