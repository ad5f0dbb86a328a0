"""Is this computer's clock right? TOTP codes depend on it (notebook 04).

The answer's HTTP ``Date`` header is the server's clock to the second. Compared with the local
clock at the middle of the round trip, it shows the offset without any time service.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from helpers import aws
from helpers.errors import WalkthroughError, explain

LIMIT_SECONDS = 30.0  # one TOTP step: more than this and codes typed now look like another step's


@dataclass(frozen=True)
class ClockCheck:
    """The local clock's offset from the server's (positive: this computer is ahead)."""

    offset_seconds: float
    server_time: datetime

    @property
    def ok(self) -> bool:
        return abs(self.offset_seconds) <= LIMIT_SECONDS

    def _repr_markdown_(self) -> str:
        # A notebook cell that ends with the check shows the sentence, not the dataclass.
        return self.sentence()

    def sentence(self) -> str:
        """One sentence: fine, or a warning with what to do."""
        if self.ok:
            return f"Your clock is within {abs(self.offset_seconds):.0f} s of AWS's: MFA codes will line up."
        direction = "ahead of" if self.offset_seconds > 0 else "behind"
        return (
            f"Warning: your computer's clock is {abs(self.offset_seconds):.0f} s {direction} AWS's (more than "
            f"{LIMIT_SECONDS:.0f} s), so MFA codes may be refused. Turn on 'set time automatically' (NTP) on this "
            "computer and on the phone that runs the authenticator app, then try again."
        )


def offset_from_date(date_header: str, sent: float, received: float) -> ClockCheck:
    """The clock check for a response whose ``Date`` was *date_header*, sent and received at local times."""
    server = parsedate_to_datetime(date_header)
    if server.tzinfo is None:
        server = server.replace(tzinfo=timezone.utc)
    # The header is truncated to the second: compare with the middle of the round trip, minus half a second.
    local_mid = (sent + received) / 2
    offset = local_mid - (server.timestamp() + 0.5)
    if abs(offset) < 1.5:  # within the header's one-second resolution: call it exact
        offset = 0.0
    return ClockCheck(offset, server)


def check_clock(session: boto3.Session, clock: Callable[[], float] = time.time) -> ClockCheck:
    """Compare the local clock with the server's (STS GetCallerIdentity: any key may call it)."""
    sts = aws.client(session, "sts")
    try:
        sent = clock()
        answer = sts.get_caller_identity()
        received = clock()
    except (ClientError, BotoCoreError) as exc:
        raise WalkthroughError(explain(exc)) from None
    date = answer.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
    if not date:
        raise WalkthroughError("The answer carried no Date header, so the clock cannot be compared; carry on.")
    return offset_from_date(date, sent, received)
