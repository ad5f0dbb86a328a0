"""The one reader of IAM's credential report: generate, wait within a bound, get (notebooks 04 and 05).

Used by the security status (``helpers.status.snapshot``, notebook 05 and the card on every notebook)
and by the root-MFA proof (``helpers.mfa.verify``, notebook 04).

The wait policy, the same for both: ask ``GenerateCredentialReport`` until it answers ``COMPLETE``,
pausing 0.1 s, then twice as long each time up to 5 s between asks, for at most ``WAIT_SECONDS``
(60 s) in all; then stop with ``CredentialReportTimeout``, one sentence. Why a minute: AWS gives no
figure, and a small account's report is ready within a few seconds (STARTED, INPROGRESS, then
COMPLETE); a minute leaves room for a large or busy account, while a stuck report never holds a
notebook for longer. Why 0.1 s first: AWS and the practice account answer the first ask of a new
report ``STARTED`` and a small report is done a moment later, so a longer first pause is only
waiting (the card on notebook 02); the doubling keeps a slow report from costing many calls. After
that the practice account, like AWS, reuses a report for 4 hours (``COMPLETE`` straight away); its
``lag`` option does not slow the report down.

``ReportInProgress`` on the get means "ask again": the reader waits. ``ReportNotPresent`` or
``ReportExpired`` means AWS lost the report: the reader generates it again once, without waiting.
Every other ``ClientError`` (AccessDenied, say) reaches the caller, which knows what it was reading.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from botocore.exceptions import ClientError

from helpers.errors import WalkthroughError, error_code

WAIT_SECONDS = 60.0
FIRST_PAUSE = 0.1
LONGEST_PAUSE = 5.0


class CredentialReportTimeout(WalkthroughError):
    """AWS was still generating the credential report when the bounded wait ran out."""


@dataclass(frozen=True)
class CredentialReport:
    """The report as AWS sent it: CSV bytes (every value a string) and when AWS generated it (UTC)."""

    content: bytes
    generated: datetime | None

    def rows(self) -> tuple[dict[str, str], ...]:
        """The report's rows as dicts of strings, exactly as AWS writes them (``N/A``, ``not_supported``...).

        AWS documents the report as CSV with a header line; a field missing at the end of a line reads "".
        """
        text = self.content.decode("utf-8-sig", errors="replace")
        return tuple(
            {key: value for key, value in row.items() if key is not None}
            for row in csv.DictReader(io.StringIO(text), restval="")
        )


def read_credential_report(
    iam,
    *,
    max_wait: float = WAIT_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] | None = None,
    progress: Callable[[str], None] | None = None,
) -> CredentialReport:
    """Generate the credential report, wait for it within *max_wait* seconds, and get it.

    *iam* is a boto3 IAM client. *sleep* pauses between asks; *clock* (seconds, e.g.
    ``time.monotonic``) measures the wait including the calls themselves; without it the wait is
    the sum of the pauses. *progress* receives a sentence before each pause. Raises
    ``CredentialReportTimeout`` when the wait runs out, and any ``ClientError`` but the three above.
    """
    start = clock() if clock is not None else 0.0
    slept, pause, regenerated = 0.0, FIRST_PAUSE, False
    state = iam.generate_credential_report().get("State")
    while True:
        if state == "COMPLETE":
            try:
                return _report(iam.get_credential_report())
            except ClientError as exc:
                code = error_code(exc)
                if code in ("ReportNotPresent", "ReportExpired") and not regenerated:
                    regenerated = True
                    state = iam.generate_credential_report().get("State")
                    continue
                if code != "ReportInProgress":
                    raise
        waited = clock() - start if clock is not None else slept
        if waited >= max_wait:
            raise CredentialReportTimeout(
                f"AWS was still generating the credential report after {max_wait:.0f} seconds; "
                "run the cell again in a minute."
            )
        if progress is not None:
            progress(f"Waiting for AWS to generate the credential report ({waited:.0f} s so far)...")
        step = min(pause, max_wait - waited)
        sleep(step)
        slept += step
        pause = min(pause * 2, LONGEST_PAUSE)
        state = iam.generate_credential_report().get("State")


def _report(response: dict) -> CredentialReport:
    content = response.get("Content") or b""
    generated = response.get("GeneratedTime")
    if isinstance(generated, datetime) and generated.tzinfo is None:
        generated = generated.replace(tzinfo=timezone.utc)
    return CredentialReport(content.encode() if isinstance(content, str) else content, generated)
