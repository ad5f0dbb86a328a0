"""Issue 15: a state folder that is not private is refused; the server's log and lock are not fooled."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import state
from helpers.errors import WalkthroughError, explain
from helpers.sandbox import _serve, files, server
from helpers.state import StateFolderError

ROOT = Path(__file__).resolve().parents[2]


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AML_WALKTHROUGH_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "helpers.sandbox", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def home(tmp_path):
    folder = tmp_path / "state"
    folder.mkdir(mode=0o700)
    yield folder
    with contextlib.suppress(WalkthroughError):  # some tests leave a folder the server refuses
        server.stop(folder)


# ---------------------------------------------------------------- the state folder
def test_a_state_folder_writable_by_others_is_refused_with_the_chmod_fix(home, monkeypatch):
    monkeypatch.setenv("AML_WALKTHROUGH_HOME", str(home))
    home.chmod(0o777)
    with pytest.raises(StateFolderError) as err:
        state.state_dir()
    assert isinstance(err.value, WalkthroughError)
    assert explain(err.value) == f"{home} is writable by other users: run `chmod 700 {home}`."
    result = cli(home, "start")
    text = (result.stdout + result.stderr).strip()
    assert result.returncode == 1 and text == f"{home} is writable by other users: run `chmod 700 {home}`."
    assert not (home / "sandbox").exists()  # nothing was written into it
    home.chmod(0o700)
    assert state.state_dir() == home


def test_group_writable_is_refused_too_and_home_is_shown_with_a_tilde(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    folder = tmp_path / ".aml-walkthrough"
    folder.mkdir(mode=0o700)
    folder.chmod(0o770)
    monkeypatch.delenv("AML_WALKTHROUGH_HOME", raising=False)
    with pytest.raises(StateFolderError, match=r"^~/.aml-walkthrough is writable by other users: run `chmod 700 "):
        state.state_dir()


def test_a_state_folder_owned_by_another_user_is_refused(home, monkeypatch):
    monkeypatch.setenv("AML_WALKTHROUGH_HOME", str(home))
    real = os.geteuid()
    monkeypatch.setattr(state.os, "geteuid", lambda: real + 1)  # as if another user had made it
    with pytest.raises(StateFolderError, match="belongs to another user") as err:
        state.state_dir()
    assert "AML_WALKTHROUGH_HOME" in str(err.value) and "mv " in str(err.value)
    with pytest.raises(StateFolderError):
        server.home_dir(home)


def test_a_sandbox_subfolder_writable_by_others_is_refused(home):
    (home / "sandbox").mkdir(mode=0o700)
    (home / "sandbox").chmod(0o757)
    with pytest.raises(StateFolderError, match="sandbox is writable by other users: run `chmod 700 "):
        server.start(home)
    result = cli(home, "status")
    assert result.returncode == 1 and "chmod 700" in result.stderr and "Traceback" not in result.stderr


# ---------------------------------------------------------------- no symbolic links followed
@pytest.mark.parametrize("name", [".start.lock", "server.log"])
def test_a_symlinked_lock_or_log_is_refused_and_nothing_is_created_elsewhere(home, tmp_path, name):
    sandbox = home / "sandbox"
    sandbox.mkdir(mode=0o700)
    target = tmp_path / "elsewhere" / "planted"
    target.parent.mkdir()
    (sandbox / name).symlink_to(target)
    with pytest.raises(WalkthroughError, match="is a symbolic link") as err:
        server.start(home)
    assert f"rm {sandbox / name}" in str(err.value)
    assert not target.exists()
    assert server.status(home) is None


def test_the_log_and_lock_are_private(home):
    server.start(home)
    p = files.paths(home)
    for path in (p.log, p.lock):
        assert oct(path.stat().st_mode & 0o777) == oct(0o600), path


# ---------------------------------------------------------------- the server's log
def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
    return out


def _log_lines(home: Path, needle: str) -> list[str]:
    deadline = time.monotonic() + 5
    while True:
        lines = files.paths(home).log.read_text(errors="replace").splitlines()
        found = [line for line in lines if needle in line]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def test_a_newline_in_a_request_cannot_forge_a_log_line(home):
    info = server.start(home)
    forged = "2026-01-01 00:00:00,000 INFO forged line"
    request = (
        f"POST /?Action=Probe%0A{forged.replace(' ', '%20')} HTTP/1.1\r\nHost: x\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n"
    ).encode()
    assert b" 403 " in _raw(info.port, request).split(b"\r\n", 1)[0]
    lines = _log_lines(home, "Probe")
    assert len(lines) == 1 and "Probe\\x0a2026-01-01" in lines[0]
    assert not any(line.startswith(forged) for line in files.paths(home).log.read_text().splitlines())


@pytest.mark.parametrize("length", ["abc", "-5", "1e3"])
def test_a_bad_content_length_gets_a_400_and_one_log_line(home, length):
    info = server.start(home)
    request = (
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\nAction=ListUsers"
    ).encode()
    status = _raw(info.port, request).split(b"\r\n", 1)[0]
    assert b" 400 " in status
    assert len(_log_lines(home, "bad-request 400")) == 1
    assert "Traceback" not in files.paths(home).log.read_text()
    assert server.status(home) is not None  # still serving


def test_a_non_ascii_token_is_refused_not_a_crash(home):
    info = server.start(home)
    request = (
        "POST /_sandbox/root HTTP/1.1\r\nHost: x\r\nX-Aml-Sandbox-Token: caf\xe9\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n"
    ).encode("latin-1")
    assert b" 403 " in _raw(info.port, request).split(b"\r\n", 1)[0]
    assert "internal error" not in files.paths(home).log.read_text()


def test_the_log_is_capped_and_one_old_copy_is_kept(tmp_path):
    log_path = tmp_path / "server.log"
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    stream = io.TextIOWrapper(os.fdopen(fd, "wb"), write_through=True)
    handler = _serve.CappedStderrHandler(log_path, limit=2000, stream=stream)
    handler.setFormatter(_serve.EscapingFormatter("%(message)s"))
    logger = logging.getLogger("test-capped-log")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for n in range(200):
            logger.warning("line %03d %s", n, "x" * 40)
    finally:
        logger.removeHandler(handler)
        stream.close()
    assert log_path.stat().st_size <= 2000
    old = log_path.with_name("server.log.1")
    assert old.exists() and 2000 < old.stat().st_size < 2100
    assert oct(old.stat().st_mode & 0o777) == oct(0o600)
    assert "line 199" in log_path.read_text()
    assert not list(tmp_path.glob("server.log.2*"))  # one old copy, never more


def test_control_characters_are_escaped_in_every_record():
    formatter = _serve.EscapingFormatter("%(message)s")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "a%sb", ("\r\n\x1b[31m\u2028",), None)
    assert formatter.format(record) == "a\\x0d\\x0a\\x1b[31m\\u2028b"
