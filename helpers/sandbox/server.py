"""Start, find and stop the practice account: its local process, built as its last scenario when it came up empty.

The process itself (spawn, health check, stop) lives in ``process``, its state folder in
``state_folder``; this module adds the one thing a start needs above them: an account that came back
without its saved state is built again by ``scenarios`` as the scenario it was last reset to
(``lost_note`` then says what was lost). Used by ``SandboxAccount.files()`` (every notebook, on
demand) and by ``python -m helpers.sandbox``.
"""

from __future__ import annotations

from pathlib import Path

from helpers.sandbox import process, scenarios
from helpers.sandbox.process import (  # noqa: F401 - the names callers reach through ``server``
    ACCOUNT_ID,
    LOCAL_OPENER,
    SandboxInfo,
    _alive,
    server_token,
    stale_note,
    status,
    stop,
)
from helpers.sandbox.state_folder import FIX_START, home_dir, lost_note  # noqa: F401 - as above


def start(home: Path | None = None, port: int | None = None) -> SandboxInfo:
    """Start the sandbox for state folder *home* (default: the learner's), or reuse the running one."""
    return process.launch(scenarios.build_fresh, home, port)


def ensure_running(home: Path | None = None) -> SandboxInfo:
    """The running sandbox, started (and built as its last scenario) if needed."""
    return start(home)
