"""`make hub` (scripts/hub.py) says what to fix before the hub starts: one sentence per missing piece."""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("hub_script", ROOT / "scripts" / "hub.py")
hub_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hub_script)

GOOD = {"AML_HUB_PASSWORD": "room-password", "AML_HUB_ADMINS": "teacher", "AML_HUB_ADMIN_PASSWORD": "x" * 32}


def _said(env: dict[str, str]) -> str:
    return "\n".join(hub_script.problems(env))


def test_passwords_are_checked_with_what_to_do():
    assert "AML_HUB_PASSWORD" in _said({**GOOD, "AML_HUB_PASSWORD": "short"})
    said = _said({**GOOD, "AML_HUB_ADMIN_PASSWORD": "x" * 31})
    assert "at least 32 characters" in said and "openssl rand -hex 16" in said
    good = _said(GOOD)
    assert "AML_HUB_PASSWORD" not in good and "32 characters" not in good
    assert "32 characters" not in _said({**GOOD, "AML_HUB_ADMINS": "", "AML_HUB_ADMIN_PASSWORD": ""})


def test_a_missing_proxy_says_how_to_install_it():
    said = _said({**GOOD, "AML_HUB_PROXY": "/nonexistent/configurable-http-proxy"})
    assert "npm install --prefix .venv/node configurable-http-proxy@5.3.0" in said


def test_a_busy_port_is_named():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        said = _said({**GOOD, "AML_HUB_BIND_URL": f"http://127.0.0.1:{port}"})
    assert f"Port {port} is in use" in said and "AML_HUB_BIND_URL" in said


def test_node_older_than_20_is_refused(monkeypatch):
    monkeypatch.setattr(hub_script, "node_major", lambda: 18)
    assert "Node.js is version 18; the hub's proxy needs Node.js 20 or newer" in _said(GOOD)
    monkeypatch.setattr(hub_script, "node_major", lambda: 20)
    assert "Node.js" not in _said(GOOD)
