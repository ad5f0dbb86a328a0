"""Read it, or say why not: the one wrapper the observers put around a read AWS may refuse.

The status snapshot (notebook 05), the clean-up inventory (notebook 06) and the root-MFA check
(notebook 04) read several parts of an account; a caller allowed some of them should still see
those, with a reason for each part it could not read, instead of one traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from helpers.errors import WalkthroughError, error_code, explain, is_access_denied

T = TypeVar("T")

# Errors no other call would survive either (credentials AWS does not accept, an expired session, a wrong
# clock): stop with one sentence instead of a page of unreadable parts.
FATAL_CODES = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "RequestTimeTooSkewed",
        "InvalidAccessKeyId",
    }
)


def read_or_why(
    call: Callable[[], T],
    why_denied: Callable[[ClientError], str],
    *,
    absent: Collection[str] = (),
    why_other: Callable[[ClientError], str] | None = explain,
    default: T | None = None,
) -> tuple[T | None, str | None]:
    """``(answer, None)``, or ``(default, why it could not be read)``; used by status, clean-up and the MFA check.

    - refused for want of a permission (``errors.is_access_denied``): ``why_denied(exc)``;
    - an error code in *absent* (the entity does not exist, the endpoint does not offer the call):
      ``(default, None)``, nothing to record;
    - with *why_other* None, anything else is raised as it is (the caller decides);
    - otherwise an error every other call would hit too (``FATAL_CODES``; no network, no credentials:
      a ``BotoCoreError``) raises ``WalkthroughError(explain(exc))``, one sentence for the whole read,
      and any other ``ClientError`` is recorded as ``why_other(exc)``.
    """
    try:
        return call(), None
    except ClientError as exc:
        code = error_code(exc)
        if code in absent:
            return default, None
        if is_access_denied(exc):
            return default, why_denied(exc)
        if why_other is None:
            raise
        if code in FATAL_CODES:
            raise WalkthroughError(explain(exc)) from None
        return default, why_other(exc)
    except BotoCoreError as exc:
        if why_other is None:
            raise
        raise WalkthroughError(explain(exc)) from None
