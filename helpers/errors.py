"""Turn what boto3 raises into one sentence that says what happened and what to do next.

Forms show ``explain(exc)`` instead of a traceback. Messages never include a secret:
they are built from error *codes* and from names we chose, never from request data.
"""

from __future__ import annotations

import configparser
import functools
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConfigParseError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    ProxyConnectionError,
    ReadTimeoutError,
)

from helpers.notice import Notice


class WalkthroughError(Exception):
    """A problem the learner can fix; ``str()`` is the sentence to show (no secrets)."""


# Error code -> (what happened, what to do next). Where AWS's own message adds a fact
# (which permission, which rule), ``explain`` appends a sanitised form of it.
_CODES: dict[str, tuple[str, str]] = {
    "InvalidClientTokenId": (
        "AWS does not know this access key ID (it was deleted, deactivated, mistyped, or belongs to "
        "another account or endpoint).",
        "Check the key ID, or create a new key pair and save it again in notebook 01.",
    ),
    "UnrecognizedClientException": (
        "AWS does not know this access key ID.",
        "Check the key ID, or create a new key pair and save it again in notebook 01.",
    ),
    "SignatureDoesNotMatch": (
        "The secret access key does not match the access key ID.",
        "Paste the secret again (it is the 40-character value next to the key ID), or import the "
        "CSV file you downloaded.",
    ),
    "AccessDenied": (
        "This identity is not allowed to do that.",
        "Ask someone with IAM rights (the root user, in this lesson) to grant it, or switch to a profile that has it.",
    ),
    "AccessDeniedException": (
        "This identity is not allowed to do that.",
        "Ask someone with IAM rights (the root user, in this lesson) to grant it, or switch to a profile that has it.",
    ),
    "ExpiredToken": (
        "These temporary credentials have expired.",
        "Get fresh ones (aws sso login, or assume the role again), then retry.",
    ),
    "ExpiredTokenException": (
        "These temporary credentials have expired.",
        "Get fresh ones (aws sso login, or assume the role again), then retry.",
    ),
    "RequestExpired": (
        "The request was signed too long ago.",
        "Check your computer's clock and retry.",
    ),
    "RequestTimeTooSkewed": (
        "Your computer's clock is too far from AWS's (AWS accepts up to 5 minutes).",
        "Set the clock to update automatically (NTP), then retry.",
    ),
    "Throttling": (
        "AWS is slowing down requests from this account (throttling), even after retries.",
        "Wait a minute and run the cell again.",
    ),
    "ThrottlingException": (
        "AWS is slowing down requests from this account (throttling), even after retries.",
        "Wait a minute and run the cell again.",
    ),
    "EntityAlreadyExists": (
        "That already exists in the account.",
        "Nothing to create: run the cell again and it will use the existing one.",
    ),
    "LimitExceeded": (
        "An IAM limit was reached (for example: at most 2 access keys per user).",
        "Delete or rotate an old one first; the notebook shows how.",
    ),
    "NoSuchEntity": (
        "That does not exist (any more) in the account.",
        "Run the status cell to see where the account stands, then carry on from there.",
    ),
    "DeleteConflict": (
        "IAM refuses to delete it while other things still hang off it (keys, password, MFA devices, "
        "groups or policies).",
        "Remove those first: the clean-up notebook does it in the right order.",
    ),
    "PasswordPolicyViolation": (
        "The password breaks the account's password policy.",
        "Choose a longer password with upper- and lower-case letters, digits and symbols.",
    ),
    "InvalidAuthenticationCode": (
        "The MFA codes were refused.",
        "Type two consecutive codes from the authenticator, the second after it changes, and check "
        "your computer's clock.",
    ),
    "EntityTemporarilyUnmodifiable": (
        "IAM is still busy with a recent change to this entity.",
        "Wait a few seconds and run the cell again.",
    ),
    "ValidationError": (
        "AWS rejected a value as malformed.",
        "Check the value named below and try again.",
    ),
}

# AWS messages sometimes quote an ARN and the action; keep only those safe parts.
_SAFE_DETAIL = re.compile(r"(arn:aws[a-z-]*:[a-z0-9-]+::\d{12}:[\w+=,.@/<>-]+|\b[a-z0-9-]+:[A-Z][A-Za-z]+\b)")


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a ``ClientError`` (None for anything else)."""
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code")
    return None


# "Not allowed" as each protocol spells it: IAM, STS and S3 say AccessDenied, JSON-protocol services
# AccessDeniedException, EC2 UnauthorizedOperation. One set, so every reader treats a refusal alike.
DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})


def is_access_denied(exc: BaseException) -> bool:
    """Whether AWS refused *exc*'s call for want of a permission (a ``ClientError`` with a denied code)."""
    return error_code(exc) in DENIED_CODES


def _detail(exc: ClientError) -> str:
    message = exc.response.get("Error", {}).get("Message") or ""
    found = _SAFE_DETAIL.findall(message)
    return f" (AWS named: {', '.join(dict.fromkeys(found))})" if found else ""


def _without_userinfo(url: str) -> str:
    """*url* without a ``user:password@`` part (a proxy URL can carry one)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an unreadable URL)"
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _local(url: str) -> bool:
    host = (urlsplit(url).hostname or "") if url else ""
    return host in ("127.0.0.1", "localhost", "::1")


def _parse_problem(exc: BaseException) -> str:
    """Where a configparser error points (line and section), never the line's text (it may hold a key)."""
    section = getattr(exc, "section", None)
    lineno = getattr(exc, "lineno", None)
    if lineno is None and isinstance(exc, configparser.ParsingError) and exc.errors:
        lineno = exc.errors[0][0]
    if isinstance(exc, configparser.DuplicateSectionError):
        return f"line {lineno}: section [{section}] appears twice"
    if isinstance(exc, configparser.DuplicateOptionError):
        return f"line {lineno}: a setting appears twice in section [{section}]"
    if isinstance(exc, configparser.MissingSectionHeaderError):
        return f"line {lineno}: text before the first [section] header"
    if lineno is not None:
        return f"line {lineno} is not a valid `name = value` line"
    return "it is not a valid INI file"


def _config_path_from_traceback(exc: BaseException) -> str | None:
    """The file botocore was reading when *exc* was raised (its ``raw_config_parse`` frame's ``path``)."""
    tb = exc.__traceback__
    found = None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name in ("raw_config_parse", "read") and isinstance(frame.f_locals.get("path"), str):
            found = frame.f_locals["path"]
        tb = tb.tb_next
    return found


def _bad_file(path: str | None, problem: str) -> str:
    kind = "AWS file"
    if path:
        name = Path(path).name
        kind = "AWS credentials file" if "credentials" in name else "AWS config file" if "config" in name else kind
    where = f" {path}" if path else ""
    return (
        f"Your {kind}{where} is not valid ({problem}). Fix or remove that part of the file in a text editor "
        "(or restore a backup next to it), then run the cell again."
    )


def _os_error(exc: OSError) -> str:
    path = exc.filename or ""
    where = f" {path}" if path else ""
    if isinstance(exc, PermissionError) or exc.errno in (1, 13, 30):
        return (
            f"The walkthrough cannot write{where} (permission denied or read-only). Make that folder writable "
            "(chmod u+w), or set AML_WALKTHROUGH_HOME to a folder you own, then restart the kernel."
        )
    if isinstance(exc, NotADirectoryError):
        return (
            f"A file stands where the walkthrough needs a folder:{where}. Move that file away, then run the cell again."
        )
    if isinstance(exc, FileNotFoundError):
        return (
            f"The file{where} does not exist (any more). Check that its folder is still there, then run the cell again."
        )
    if exc.errno == 28:
        return "The disk is full: free some space, then run the cell again."
    return (
        f"The walkthrough could not read or write{where} ({type(exc).__name__}). "
        "Check that file's folder and its permissions."
    )


def explain(exc: BaseException) -> str:
    """One or two sentences for the learner: what happened, then what to do next."""
    if isinstance(exc, WalkthroughError):
        return str(exc)
    if isinstance(exc, ClientError):
        code = error_code(exc) or "Unknown"
        if code in DENIED_CODES and not _detail(exc):
            operation = getattr(exc, "operation_name", None)
            if operation:
                return (
                    f"This identity is not allowed to call {operation}. Ask someone with IAM rights (the root user, "
                    "in this lesson) to grant it, or switch to a profile that has it (notebook 00)."
                )
        what, todo = _CODES.get(
            code,
            (
                f"AWS refused the request ({code}).",
                "Check the step's instructions and where your account stands (the status card), then try again.",
            ),
        )
        return f"{what}{_detail(exc)} {todo}"
    if isinstance(exc, ProxyConnectionError):
        proxy = _without_userinfo(str(exc.kwargs.get("proxy_url", "")))
        return (
            f"Could not reach the proxy {proxy} that HTTPS_PROXY/HTTP_PROXY name. Start that proxy, or unset those "
            "variables (or add the endpoint's host to NO_PROXY), then restart the kernel."
        )
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ConnectionClosedError)):
        url = _without_userinfo(str(exc.kwargs.get("endpoint_url", "")))
        if _local(url):
            return (
                f"Nothing answers at {url}: the practice account is not running. Run the cell again, which "
                "starts it (or start it with `make lab`)."
            )
        return (
            f"Could not reach {url or 'the account endpoint'}: check your network connection (and a proxy "
            "or firewall in between), then run the cell again."
        )
    if isinstance(exc, ReadTimeoutError):
        url = _without_userinfo(str(exc.kwargs.get("endpoint_url", "")))
        return (
            f"{url or 'The account'} took too long to answer. Check your network, then run the cell again in a moment."
        )
    if isinstance(exc, ProfileNotFound):
        return (
            f"Profile {exc.kwargs.get('profile')!r} is not in your AWS files: choose another in notebook 00, "
            "or create it in notebook 01."
        )
    if isinstance(exc, ConfigParseError):
        cause = exc.kwargs.get("error") or exc.__cause__ or exc.__context__
        if isinstance(cause, UnicodeDecodeError):
            problem = f"byte {cause.start} is not text: the file holds binary junk"
        elif isinstance(cause, configparser.Error):
            problem = _parse_problem(cause)
        else:
            problem = "it is not a valid INI file"
        return _bad_file(str(exc.kwargs.get("path", "")) or None, problem)
    if isinstance(exc, configparser.Error):
        source = getattr(exc, "source", None) or getattr(exc, "filename", None)
        return _bad_file(str(source) if source and source != "<???>" else None, _parse_problem(exc))
    if isinstance(exc, UnicodeDecodeError):
        return _bad_file(_config_path_from_traceback(exc), f"byte {exc.start} is not text: the file holds binary junk")
    if isinstance(exc, NoCredentialsError):
        return "This profile has no credentials. Save an access key pair for it in notebook 01."
    if isinstance(exc, PartialCredentialsError):
        return (
            "This profile's credentials are incomplete (a key ID without its secret, or the reverse). "
            "Save the key pair again in notebook 01."
        )
    if isinstance(exc, BotoCoreError):
        return (
            f"The AWS SDK could not complete the request ({type(exc).__name__}). Check the active profile's "
            "settings in your AWS files (notebook 00 shows them); notebook 01 can save them again."
        )
    if isinstance(exc, OSError):
        return _os_error(exc)
    return (
        f"Unexpected problem ({type(exc).__name__}). Restart the kernel and run the notebook from the top; "
        "if it persists, ask your instructor."
    )


def _traceback_wanted() -> bool:
    """``AML_WALKTHROUGH_TRACEBACKS=1`` (the test suite, an instructor debugging): guarded cells raise."""
    return os.environ.get("AML_WALKTHROUGH_TRACEBACKS") == "1"


_guard = threading.local()


def cell_guard(func: Callable) -> Callable:
    """Make *func* (a function a notebook cell calls) show one sentence instead of raising.

    Any exception becomes ``Notice(explain(exc), ok=False)``: what happened and what to do, no
    traceback, no secret (``explain`` builds sentences from error codes and names, never request data).
    Only the outermost guarded call converts: a guarded helper that calls another still sees its
    exceptions. ``AML_WALKTHROUGH_TRACEBACKS=1`` (the test suite, an instructor debugging) lets them through.
    """

    @functools.wraps(func)
    def guarded(*args, **kwargs):
        if getattr(_guard, "depth", 0):
            return func(*args, **kwargs)
        _guard.depth = 1
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            if _traceback_wanted():
                raise
            return Notice(explain(exc), ok=False)
        finally:
            _guard.depth = 0

    return guarded
