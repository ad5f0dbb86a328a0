"""The practice account's local process: find, spawn, health-check and stop it (one per state folder).

The process (``helpers.sandbox._serve``) outlives the kernel that started it, so every notebook
kernel shares one account. ``<state>/sandbox/server.json`` (0600) says where it listens; a file
left by a process that died is detected with a health check and replaced; the new process comes
back with the account's saved state (``persist``). ``launch`` starts it and hands an empty account
to the *build* it is given; ``server`` (what everyone else calls) gives it the scenarios' builder.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from helpers.errors import WalkthroughError
from helpers.sandbox import files, state_folder
from helpers.sandbox.state_folder import FIX_START, home_dir
from helpers.textfiles import write_atomic

# A realistic, fixed account ID: the lesson's screenshots and checkpoints stay the same.
ACCOUNT_ID = "381492058731"
START_TIMEOUT = 30.0
LOG_LIMIT = 1024 * 1024  # the server caps its own log at this size too (``_serve``)

# Local calls never go through a proxy (a test run points HTTPS_PROXY at a dead one on purpose).
LOCAL_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_children: dict[int, subprocess.Popen] = {}  # processes this Python started, reaped on stop
# Makes an empty account scenario *name*: (name, state folder, url) -> None.
Builder = Callable[[str, Path, str], None]


@dataclass(frozen=True)
class SandboxInfo:
    """A running sandbox: where it listens and since when (no secrets)."""

    url: str
    port: int
    pid: int
    started_at: str
    scenario: str
    account_id: str = ACCOUNT_ID
    reused: bool = False
    note: str = ""
    restored: bool = False  # started again with its saved state (the learner's work kept)
    built: bool = False  # started empty and built as its last scenario
    removed_backups: int = 0  # set by ``scenarios.reset``

    @property
    def uptime_seconds(self) -> float:
        """Seconds since the server started."""
        started = datetime.fromisoformat(self.started_at)
        return max(0.0, (datetime.now(timezone.utc) - started).total_seconds())

    def summary(self) -> str:
        """One line for ``status``: port, pid, uptime, scenario."""
        minutes, seconds = divmod(int(self.uptime_seconds), 60)
        hours, minutes = divmod(minutes, 60)
        uptime = f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"
        return (
            f"The practice account {self.account_id} is running at {self.url} "
            f"(pid {self.pid}, up {uptime}, scenario {self.scenario})."
        )


def _alive(pid: int) -> bool:
    child = _children.get(pid)
    if child is not None:
        return child.poll() is None
    return pid_alive(pid)


def pid_alive(pid: int) -> bool:
    """Whether process *pid* runs (not gone, not a zombie); another user's process counts as running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _is_our_server(pid: int) -> bool:
    """True when *pid* runs ``helpers.sandbox._serve`` (a recycled pid must never be signalled)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return b"helpers.sandbox._serve" in handle.read()
    except OSError:
        return _alive(pid)


def _health(url: str, timeout: float = 2.0) -> dict | None:
    try:
        with LOCAL_OPENER.open(f"{url}/_sandbox/health", timeout=timeout) as response:
            data = json.loads(response.read())
    except (OSError, ValueError, urllib.error.URLError):
        return None
    return data if isinstance(data, dict) and data.get("ok") else None


def _info(data: dict, health: dict, reused: bool = False, note: str = "", **flags: bool) -> SandboxInfo:
    return SandboxInfo(
        url=data["url"],
        port=int(data["port"]),
        pid=int(data["pid"]),
        started_at=data["started_at"],
        scenario=str(health.get("scenario") or "empty"),
        account_id=str(data.get("account_id") or ACCOUNT_ID),
        reused=reused,
        note=note,
        **flags,
    )


def _running(p: files.SandboxPaths) -> tuple[SandboxInfo | None, dict | None]:
    """(info, None) when healthy; (None, stale server.json data) when the file is stale."""
    data = state_folder.read_json(p.server_json)
    if not data or not {"url", "port", "pid", "started_at"} <= data.keys():
        return None, data
    health = _health(data["url"])
    if health and int(health.get("pid", -1)) == int(data["pid"]):
        return _info(data, health), None
    return None, data


def server_token(home: Path | None = None) -> tuple[str, str]:
    """(url, token) of the running sandbox, for the console stand-ins; error when stopped."""
    p = files.paths(home_dir(home))
    info, _stale = _running(p)
    data = state_folder.read_json(p.server_json)
    if info is None or not data or "token" not in data:
        raise WalkthroughError(f"The practice account is not running: start it with `{FIX_START}`.")
    return info.url, str(data["token"])


def status(home: Path | None = None) -> SandboxInfo | None:
    """The running sandbox, or None (a stale ``server.json`` is left for ``start`` to explain)."""
    info, _stale = _running(files.paths(home_dir(home)))
    return info


def stale_note(home: Path | None = None) -> str:
    """A sentence when ``server.json`` names a server that is no longer answering, else ''."""
    p = files.paths(home_dir(home))
    info, stale = _running(p)
    if info is None and stale:
        return (
            f"The practice account had stopped (pid {stale.get('pid')} no longer answers; "
            f"its pidfile is stale): start it again with `{FIX_START}`."
        )
    return ""


def launch(build: Builder, home: Path | None = None, port: int | None = None) -> SandboxInfo:
    """Start the sandbox for state folder *home* (default: the learner's), or reuse the running one.

    A process that came up without saved state is empty: ``build(scenario, folder, url)`` makes it
    the account it was last reset to.
    """
    folder = state_folder.home_dir(home)
    p = files.paths(folder)
    with state_folder.start_lock(p):
        info, stale = _running(p)
        if info is not None:
            if port and port != info.port:
                raise WalkthroughError(
                    f"The practice account already runs on port {info.port}: stop it first with "
                    f"`python -m helpers.sandbox stop`, then `{FIX_START} --port {port}`."
                )
            files.ensure_files(p)
            files.set_endpoint(p, info.url)
            return SandboxInfo(**{**info.__dict__, "reused": True})
        pid = 0
        if stale:
            pid = int(stale.get("pid", 0) or 0)
            if pid and _alive(pid) and _is_our_server(pid):
                _terminate(pid)  # alive but not answering: hung; replace it
            p.server_json.unlink(missing_ok=True)
        data = _spawn(folder, p, port, stale)
        write_atomic(p.last_port, f"{data['port']}\n")
        files.ensure_files(p)
        files.set_endpoint(p, data["url"])  # changes nothing unless the port changed
        state = data.get("state")
        if state == "restored":
            # The learner's account as they left it: profiles, keys and users untouched.
            health = _health(data["url"]) or {}
            return _info(data, health, restored=True)
        scenario = state_folder.previous_scenario(p)
        build(scenario, folder, data["url"])
        note = ""
        if state == "unreadable":
            note = (
                f"The practice account's saved state could not be restored ({data.get('state_problem') or 'unknown'}), "
                f"so it was rebuilt as '{scenario}' and your changes since that reset are lost: run "
                "`python -m helpers.sandbox reset --at NN` to jump to the notebook you were on."
            )
            state_folder.remember_note(p, scenario, note)
        elif stale:
            note = (
                f"The practice account had stopped (pid {pid} was gone) and had no saved state; it was restarted "
                f"and rebuilt as '{scenario}', so changes made since then are lost. To jump to your notebook run "
                "`python -m helpers.sandbox reset --at NN`."
            )
        health = _health(data["url"]) or {"scenario": scenario}
        return _info(data, health, note=note, built=True)


def _spawn(folder: Path, p: files.SandboxPaths, port: int | None, stale: dict | None) -> dict:
    preferred = port or int((stale or {}).get("port", 0) or 0) or state_folder.last_port(p)
    env = dict(os.environ)
    for name in list(env):
        # The server must not sign anything with the learner's own keys or reach a real endpoint.
        if name.startswith("AWS_"):
            del env[name]
    env.update(
        {
            "MOTO_ACCOUNT_ID": ACCOUNT_ID,
            "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
            "INITIAL_NO_AUTH_ACTION_COUNT": "0",
            "AML_SANDBOX_TOKEN": secrets.token_urlsafe(24),
            "AWS_EC2_METADATA_DISABLED": "true",
            "PYTHONUNBUFFERED": "1",
        }
    )
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    command = [sys.executable, "-m", "helpers.sandbox._serve", "--home", str(folder), "--port", str(preferred)]
    if port:
        command.append("--strict-port")
    p.server_json.unlink(missing_ok=True)
    if p.log.is_file() and not p.log.is_symlink() and p.log.stat().st_size > LOG_LIMIT:
        os.replace(p.log, p.log.with_name(p.log.name + ".1"))  # keep one old log, not a growing one
    log_fd = state_folder.open_private(p.log, os.O_WRONLY | os.O_APPEND)
    try:
        os.fchmod(log_fd, 0o600)
        child = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_fd,
            stderr=log_fd,
            env=env,
            cwd=str(folder),
            start_new_session=True,  # survives the kernel (and its Ctrl-C) that started it
            close_fds=True,
        )
    finally:
        os.close(log_fd)
    _children[child.pid] = child
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        code = child.poll()
        if code is not None:
            _children.pop(child.pid, None)
            if code == 3:
                raise WalkthroughError(
                    f"Port {preferred} on 127.0.0.1 is taken by another program: run `{FIX_START}` "
                    "without --port to use a free one."
                )
            raise WalkthroughError(
                f"The practice account could not start (exit code {code}; details in {p.log}): "
                f"run `{FIX_START}` again, or `python -m helpers.sandbox stop` first."
            )
        data = state_folder.read_json(p.server_json)
        if data and int(data.get("pid", -1)) == child.pid and _health(data["url"], timeout=1.0):
            return data
        time.sleep(0.02)
    _terminate(child.pid)
    raise WalkthroughError(
        f"The practice account did not answer within {START_TIMEOUT:.0f} s (details in {p.log}): "
        f"run `{FIX_START}` again."
    )


def _terminate(pid: int, timeout: float = 5.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pid)
        if not _alive(pid):
            break
        time.sleep(0.02)
    else:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        time.sleep(0.05)
        _reap(pid)
    _children.pop(pid, None)


def _reap(pid: int) -> None:
    child = _children.get(pid)
    if child is not None:
        child.poll()
        return
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def stop(home: Path | None = None) -> bool:
    """Stop this folder's sandbox (only that process); False when none was running."""
    p = files.paths(home_dir(home))
    with state_folder.start_lock(p):
        data = state_folder.read_json(p.server_json)
        p.server_json.unlink(missing_ok=True)
        if not data or "pid" not in data:
            return False
        pid = int(data["pid"])
        if not _alive(pid) or not _is_our_server(pid):
            return False
        _terminate(pid)
        return True
