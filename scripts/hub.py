"""`make hub`: check what the workshop hub needs, say what to fix, then start it (deploy/jupyterhub).

Checks, each failing with one sentence and the command that fixes it: run as root, Node.js >= 20,
configurable-http-proxy, the room's and the admins' passwords, the port free, and the lesson's Python
reachable by learners' Unix users. ``--check`` stops after the checks. Settings are the environment
variables listed in deploy/jupyterhub/README.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
PROXY_VERSION = "5.3.0"  # needs Node.js >= 20
LOCAL_PROXY = ROOT / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
INSTALL_PROXY = f"npm install --prefix .venv/node configurable-http-proxy@{PROXY_VERSION}"
DEFAULT_BIND = "http://127.0.0.1:8000"
sys.path.insert(0, str(ROOT))


def node_major() -> int | None:
    node = shutil.which("node")
    if not node:
        return None
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.match(r"v(\d+)", out.strip())
    return int(found.group(1)) if found else None


def proxy_command(env: dict[str, str]) -> str | None:
    if env.get("AML_HUB_PROXY"):
        return env["AML_HUB_PROXY"] if shutil.which(env["AML_HUB_PROXY"]) else None
    if LOCAL_PROXY.exists():
        return str(LOCAL_PROXY)
    return shutil.which("configurable-http-proxy")


def port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def problems(env: dict[str, str]) -> list[str]:
    """Every unmet prerequisite, one sentence each with its fix ([] when the hub can start)."""
    from helpers.room import learners

    found: list[str] = []
    mode = env.get("AML_HUB_MODE", "workshop")
    if os.geteuid() != 0:
        found.append(
            "The hub must run as root (it creates a Unix user per learner and runs their servers as them): "
            "run `sudo make hub`."
        )
    if mode == "workshop" and not shutil.which("useradd"):
        found.append("`useradd` is missing: install the passwd package (Debian/Ubuntu: apt-get install passwd).")
    major = node_major()
    if major is None or major < 20:
        have = "is not installed" if major is None else f"is version {major}"
        found.append(
            f"Node.js {have}; the hub's proxy needs Node.js 20 or newer "
            "(Debian/Ubuntu 24.04+: apt-get install nodejs npm; otherwise see https://nodejs.org)."
        )
    if proxy_command(env) is None:
        found.append(f"configurable-http-proxy (the hub's proxy) is missing: install it with `{INSTALL_PROXY}`.")
    if mode == "workshop" and len(env.get("AML_HUB_PASSWORD", "")) < 8:
        found.append("Set the room's password, at least 8 characters: export AML_HUB_PASSWORD='...'.")
    admins = [name for name in env.get("AML_HUB_ADMINS", "").split(",") if name.strip()]
    if mode == "workshop" and admins and len(env.get("AML_HUB_ADMIN_PASSWORD", "")) < 32:
        found.append(
            "Set the instructors' password, at least 32 characters: "
            'export AML_HUB_ADMIN_PASSWORD="$(openssl rand -hex 16)" (and note it down).'
        )
    url = urlparse(env.get("AML_HUB_BIND_URL") or DEFAULT_BIND)
    host, port = url.hostname or "0.0.0.0", url.port or 8000
    if not port_free(host, port):
        found.append(
            f"Port {port} is in use (another hub?): stop that program, or choose another port with "
            f"export AML_HUB_BIND_URL=http://{host}:<port>."
        )
    room = urlparse(env.get("AML_HUB_ROOM_URL") or "http://127.0.0.1:8002")
    if not port_free(room.hostname or "127.0.0.1", room.port or 8002):
        found.append(
            f"Port {room.port or 8002} (the room board's, behind the hub) is in use: stop that program, or choose "
            "another with export AML_HUB_ROOM_URL=http://127.0.0.1:<port>."
        )
    blocked = learners.private_dirs_on_the_way(learners.lesson_paths())
    if blocked:
        names = " ".join(str(p) for p in blocked)
        found.append(
            f"Learners' servers run as their own Unix users, who cannot reach the lesson's Python and code through "
            f"{names}: let other users pass through (not list) with `chmod o+x {names}`, or put the repository "
            "and its Python under a folder everyone can read (e.g. /opt) and run `make hub` there."
        )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make hub", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the prerequisites")
    parser.add_argument("--config", default=str(CONFIG), help="the JupyterHub configuration file")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    found = problems(env)
    if found:
        print("The hub cannot start yet:", file=sys.stderr)
        for line in found:
            print(f"  - {line}", file=sys.stderr)
        return 1
    if args.check:
        print("Everything the hub needs is in place.")
        return 0
    env["AML_HUB_PROXY"] = proxy_command(env) or ""
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', os.defpath)}"
    env.setdefault("AML_HUB_DATA", str(ROOT / ".venv" / "hub-data"))
    bind = env.get("AML_HUB_BIND_URL") or DEFAULT_BIND
    print(f"Starting the hub on {bind} (its data in {env['AML_HUB_DATA']}); stop it with Ctrl+C.", flush=True)
    hub = str(Path(sys.executable).with_name("jupyterhub"))
    os.execve(hub, [hub, "-f", args.config], env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
