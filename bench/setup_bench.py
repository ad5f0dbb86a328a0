"""`make bench`: how long a fresh clone's set-up took (scripts/bootstrap.sh: .venv and the pinned install).

bootstrap.sh writes its total seconds to ``.venv/.setup-seconds`` when it makes or refreshes .venv; this
part reads that figure (no new install: the bench runs in the .venv it measures). To measure again from
nothing: ``rm -rf .venv && make bench`` (the installer's download cache may make it faster than a first time).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMING = ROOT / ".venv" / ".setup-seconds"


def setup_seconds(timing: Path = TIMING) -> int | None:
    """The seconds bootstrap.sh last took, or None when .venv was made without timing."""
    try:
        return int(timing.read_text().strip())
    except (OSError, ValueError):
        return None


def run() -> dict:
    seconds = setup_seconds()
    if seconds is None:
        print("  set-up: not timed (.venv was made before bootstrap.sh wrote .venv/.setup-seconds)")
        return {"setup_seconds": None}
    when = datetime.fromtimestamp(TIMING.stat().st_mtime, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"  set-up: {seconds} s (scripts/bootstrap.sh: .venv and the pinned install, {when})")
    return {"setup_seconds": seconds}
