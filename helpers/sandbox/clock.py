"""The practice account's clock: the machine's time plus an offset in seconds that tests set.

Every TOTP check and everything time-based in the practice account (sessions' expiry, the lag)
uses ``now + offset``; a reset sets the offset back to 0. Tests skip ahead (``advance(30)``)
instead of waiting for the next 30-second code; the simulated authenticator app reads the same
clock (``SandboxClock``), so it shows the next code at once. Setting the offset needs the
sandbox token; reading it does not (the health endpoint says it: no secret in it).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from helpers.sandbox import console, process

CLOCK_ENDPOINT = "/_sandbox/clock"


def set_offset(seconds: float, home: Path | None = None) -> float:
    """Put the practice account's clock *seconds* ahead of the machine's (negative: behind); the new offset."""
    return float(console.post(CLOCK_ENDPOINT, {"offset": seconds}, home=home)["offset"])


def advance(seconds: float, home: Path | None = None) -> float:
    """Move the practice account's clock *seconds* forward; the new offset."""
    return float(console.post(CLOCK_ENDPOINT, {"advance": seconds}, home=home)["offset"])


class SandboxClock:
    """A ``time.time`` for the practice account's own clock (the offset read from its health check).

    The offset is read at most once a second; while the account does not answer, the last one is used.
    """

    def __init__(self, home: Path | None = None, every: float = 1.0) -> None:
        self._home = home
        self._every = every
        self._url: str | None = None
        self._offset = 0.0
        self._read_at = float("-inf")

    def offset(self) -> float:
        if time.monotonic() - self._read_at >= self._every:
            self._read_at = time.monotonic()
            try:
                if self._url is None:
                    self._url = process.server_token(self._home)[0]
                with process.LOCAL_OPENER.open(f"{self._url}/_sandbox/health", timeout=2) as response:
                    self._offset = float(json.loads(response.read()).get("clock_offset") or 0.0)
            except Exception:  # stopped, or not started yet: keep the last offset (the app keeps ticking)
                self._url = None
        return self._offset

    def __call__(self) -> float:
        return time.time() + self.offset()
