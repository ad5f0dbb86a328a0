"""Turn what boto3 raises into one sentence that says what happened and what to do next.

Forms show ``explain(exc)`` instead of a traceback. Messages never include a secret:
they are built from error *codes* and from names we chose, never from request data.
"""

from __future__ import annotations

import re

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)


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
_SAFE_DETAIL = re.compile(r"(arn:aws:[a-z0-9-]+::\d{12}:[\w+=,.@/<>-]+|\b[a-z0-9-]+:[A-Z][A-Za-z]+\b)")


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a ``ClientError`` (None for anything else)."""
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code")
    return None


def _detail(exc: ClientError) -> str:
    message = exc.response.get("Error", {}).get("Message") or ""
    found = _SAFE_DETAIL.findall(message)
    return f" (AWS named: {', '.join(dict.fromkeys(found))})" if found else ""


def explain(exc: BaseException) -> str:
    """One or two sentences for the learner: what happened, then what to do next."""
    if isinstance(exc, WalkthroughError):
        return str(exc)
    if isinstance(exc, ClientError):
        code = error_code(exc) or "Unknown"
        what, todo = _CODES.get(
            code, (f"AWS refused the request ({code}).", "Read the step's instructions, then run the cell again.")
        )
        return f"{what}{_detail(exc)} {todo}"
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError)):
        return (
            "Could not reach the account's endpoint: the network is down, or (for the practice account) "
            "it is not running. Check your connection, or run `make lab` again to start the practice "
            "account, then run the cell again."
        )
    if isinstance(exc, ReadTimeoutError):
        return "The account took too long to answer. Run the cell again in a moment."
    if isinstance(exc, ProfileNotFound):
        return (
            f"There is no profile named {exc.kwargs.get('profile')!r} in this account's files. "
            "Set it up in notebook 01 (or pick another profile in notebook 00)."
        )
    if isinstance(exc, NoCredentialsError):
        return "This profile has no credentials. Save an access key pair for it in notebook 01."
    if isinstance(exc, PartialCredentialsError):
        return (
            "This profile's credentials are incomplete (a key ID without its secret, or the reverse). "
            "Save the key pair again in notebook 01."
        )
    if isinstance(exc, BotoCoreError):
        return f"The AWS SDK could not complete the request ({type(exc).__name__}). Run the cell again."
    return f"Unexpected problem ({type(exc).__name__}). Run the cell again; if it persists, ask your instructor."
