"""The practice account's state folder: where it is, that it is private, and the small files in it.

``<state>/sandbox/`` (0700) holds ``server.json`` (where the process listens), ``scenario.json`` (what it
was last reset to, and a note when its saved state was lost), the last port and the start lock; the
process (``process``) and the AWS files (``files``) live in it. Nothing here starts anything.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path

from helpers.errors import WalkthroughError
from helpers.sandbox import files
from helpers.state import check_private_folder, state_dir
from helpers.textfiles import write_atomic

FIX_START = "python -m helpers.sandbox start"


def home_dir(home: Path | None = None) -> Path:
    """The state folder (created 0700); a clear error when it cannot be written."""
    try:
        folder = Path(home) if home is not None else state_dir()
        if home is not None:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            check_private_folder(folder)
        sandbox = folder / "sandbox"
        sandbox.mkdir(mode=0o700, exist_ok=True)
        check_private_folder(sandbox)
        probe = sandbox / f".probe-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        where = home if home is not None else os.environ.get("AML_WALKTHROUGH_HOME", "~/.aml-walkthrough")
        raise WalkthroughError(
            f"The state folder {where} cannot be written ({exc.strerror or type(exc).__name__}): "
            "set AML_WALKTHROUGH_HOME to a folder you own, e.g. `export AML_WALKTHROUGH_HOME=$HOME/.aml-walkthrough`, "
            f"then run `{FIX_START}`."
        ) from None
    return folder


def read_json(path: Path) -> dict | None:
    """The JSON object in *path*, or None when it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@contextmanager
def start_lock(p: files.SandboxPaths):
    """Hold the state folder's start lock (a context manager) while one server starts."""
    # Two kernels opening notebooks at once must not start two servers for one folder. Never
    # through a symbolic link: a planted one must not make us create or lock a file elsewhere.
    fd = open_private(p.lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def open_private(path: Path, flags: int) -> int:
    """Open (creating, 0600) *path* without following a symbolic link; a clear error if it is one."""
    try:
        return os.open(path, flags | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise WalkthroughError(
                f"{path} is a symbolic link, which the practice account does not follow: "
                f"delete it (`rm {path}`), then run `{FIX_START}`."
            ) from None
        raise


def remember_note(p: files.SandboxPaths, scenario: str, note: str) -> None:
    """Record the scenario last reset to, and what a start lost (*note*), in scenario.json."""
    # status (and the account picker) keep saying what was lost until the next reset.
    write_atomic(p.scenario_json, json.dumps({"scenario": scenario, "note": note}) + "\n")


def lost_note(home: Path | None = None) -> str:
    """The sentence saying the saved state was lost at the last start ('' when nothing was lost)."""
    data = read_json(files.paths(home_dir(home)).scenario_json) or {}
    return str(data.get("note") or "")


def previous_scenario(p: files.SandboxPaths) -> str:
    """The scenario the account was last reset to (new-account when none is recorded)."""
    data = read_json(p.scenario_json) or {}
    return str(data.get("scenario") or "new-account")


def last_port(p: files.SandboxPaths) -> int:
    """The port the last server used, to reuse it (0 when none is recorded or it is out of range)."""
    try:
        port = int(p.last_port.read_text().strip())
    except (OSError, ValueError):
        return 0
    return port if 1024 <= port <= 65535 else 0
