"""The shipped workshop hub, started for real as `make hub` does (scripts/hub.py, as root), for tests and `make bench`.

:func:`running_hub` starts the hub and its proxy on free 127.0.0.1 ports with the shipped
configuration plus an API token for the caller, and on the way out stops it, ends the processes of
the Unix users it was given, removes them (``userdel -r``) and puts back the modes of the folders it
opened on the way to the lesson's Python (e.g. /root), even when the body fails.
"""

from __future__ import annotations

import asyncio
import grp
import http.cookiejar
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HUB_SCRIPT = ROOT / "scripts" / "hub.py"
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
PROXY_VERSION = "5.3.0"
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through the run's dead proxy


def missing() -> str | None:
    """Why the real hub cannot run here (one line), or None."""
    if os.geteuid() != 0:
        return "the workshop hub runs as root (it creates a Unix user per learner)"
    if shutil.which("useradd") is None:
        return "useradd is missing"
    if shutil.which("npm") is None and not os.environ.get("AML_CHP"):
        return "npm is not installed (needed for configurable-http-proxy)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base: str, token: str, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        method=method,
    )
    with LOCAL.open(request, timeout=30) as response:
        raw = response.read()
    return json.loads(raw) if raw else {}


def proxy_command() -> str:
    """configurable-http-proxy: $AML_CHP, else installed once into .venv/node (git-ignored), as the README says."""
    if os.environ.get("AML_CHP"):
        return os.environ["AML_CHP"]
    command = ROOT / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
    if not command.exists():
        # The run's dead HTTPS proxy guards against reaching AWS; npm talks only to its registry.
        env = {k: v for k, v in os.environ.items() if k.lower() not in ("https_proxy", "http_proxy")}
        subprocess.run(
            ["npm", "install", "--prefix", str(ROOT / ".venv" / "node"), "--no-audit", "--no-fund", "--no-save"]
            + [f"configurable-http-proxy@{PROXY_VERSION}"],
            check=True,
            capture_output=True,
            timeout=300,
            env=env,
        )
    return str(command)


def uid_of(unix_name: str) -> int | None:
    try:
        return pwd.getpwnam(unix_name).pw_uid
    except KeyError:
        return None


def pids_of(uid: int) -> list[int]:
    """The processes running as *uid* now."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def kill_processes_of(uids: set[int]) -> None:
    """End the processes of these (test or bench) Unix users, e.g. a practice account outliving a forged stop."""
    for uid in uids:
        for pid in pids_of(uid):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def remove_users(unix_names: Iterable[str]) -> None:
    unix_names = list(unix_names)
    uids = {uid for uid in map(uid_of, unix_names) if uid is not None}
    kill_processes_of(uids)
    if uids:
        time.sleep(0.2)
    for unix_name in unix_names:
        if uid_of(unix_name) is not None:
            subprocess.run(["userdel", "-r", unix_name], capture_output=True, check=False, timeout=60)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser(url: str, name: str, password: str) -> tuple[int, urllib.request.OpenerDirector]:
    """The hub's login form, as a browser fills it: the HTTP status (302: signed in) and an opener with its cookies.

    The opener does not follow redirects (its answers are the hub's own).
    """
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
    )
    with opener.open(f"{url}/hub/login", timeout=30) as response:
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', response.read().decode()).group(1)
    form = urllib.parse.urlencode({"username": name, "password": password, "_xsrf": xsrf}).encode()
    try:
        with opener.open(f"{url}/hub/login?next=%2Fhub%2Fhome", data=form, timeout=30) as response:
            return response.status, opener
    except urllib.error.HTTPError as exc:
        return exc.code, opener


def sign_in(url: str, name: str, password: str) -> int:
    """The HTTP status of signing in with the login form (302: signed in)."""
    return browser(url, name, password)[0]


@contextmanager
def running_hub(unix_names: Iterable[str], admins: str = "", prefix: str = "aml-hub-test-") -> Iterator[dict]:
    """The shipped hub, as root, on free 127.0.0.1 ports; the Unix users *unix_names* are removed before and after.

    Yields base (the hub's API), url, token (a service token with admin scopes), folder, data,
    pid (the hub's), passwords (room, admin) and log (the hub's log file).
    """
    from helpers.room import learners

    unix_names = list(unix_names)
    # A folder every user can pass through, so that only the hub's own 0700 data folder keeps learners out.
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    os.chmod(folder, 0o755)
    proxy = proxy_command()
    remove_users(unix_names)  # left over from an interrupted run
    group_existed = learners.GROUP in {g.gr_name for g in grp.getgrall()}
    # Learners' servers run as their own users: they must pass through the folders on the way to the
    # lesson's Python (here /root for pyenv), as the README and `make hub` say. Put back at the end.
    opened = {path: path.stat().st_mode for path in learners.private_dirs_on_the_way(learners.lesson_paths())}
    process = log = None
    try:
        for path, mode in opened.items():
            os.chmod(path, mode | 0o001)
        token = secrets.token_hex(32)
        port, hub_port, proxy_api = free_port(), free_port(), free_port()
        config = folder / "test_config.py"
        config.write_text(
            f"load_subconfig({str(CONFIG)!r})\n"
            f"c.JupyterHub.hub_port = {hub_port}\n"
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{proxy_api}'\n"
            "c.JupyterHub.services = list(c.JupyterHub.services) + [{'name': 'aml-test', 'api_token': %r}]\n"
            "c.JupyterHub.load_roles = list(c.JupyterHub.load_roles) + [{'name': 'aml-test', 'services': "
            "['aml-test'],\n"
            "    'scopes': ['admin:users', 'admin:servers', 'access:servers', 'tokens',\n"
            "               'list:services', 'read:services']}]\n" % token
        )
        passwords = {"room": secrets.token_urlsafe(12), "admin": secrets.token_hex(16)}
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AML_WALKTHROUGH_"))}
        env.update(
            {
                "AML_HUB_DATA": str(folder / "data"),
                "AML_HUB_BIND_URL": f"http://127.0.0.1:{port}",
                "AML_HUB_PASSWORD": passwords["room"],
                "AML_HUB_ADMINS": admins,
                "AML_HUB_ADMIN_PASSWORD": passwords["admin"],
                "AML_HUB_PROXY": proxy,
                "AML_HUB_ROOM_URL": f"http://127.0.0.1:{free_port()}",
            }
        )
        log = open(folder / "hub.log", "wb")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [sys.executable, str(HUB_SCRIPT), "--config", str(config)],
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}/hub/api"
        deadline = time.monotonic() + 60
        while True:
            try:
                api(base, token, "GET", "/")
                break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((folder / "hub.log").read_text()[-3000:]) from None
                time.sleep(0.3)
        yield {
            "base": base,
            "url": f"http://127.0.0.1:{port}",
            "token": token,
            "folder": folder,
            "data": folder / "data",
            "pid": process.pid,
            "passwords": passwords,
            "log": folder / "hub.log",
        }
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)  # the hub stops its proxy and the learners' servers
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # its own session: the proxy and services too
                process.wait()
        if log is not None:
            log.close()
        remove_users(unix_names)
        if not group_existed:
            subprocess.run(["groupdel", learners.GROUP], capture_output=True, check=False)
        for path, mode in opened.items():
            os.chmod(path, mode)
        shutil.rmtree(folder, ignore_errors=True)


def server_ready(hub: dict, name: str) -> bool:
    user = api(hub["base"], hub["token"], "GET", f"/users/{name}")
    return bool(user.get("servers", {}).get("", {}).get("ready"))


def spawn(hub: dict, name: str, timeout: float = 150) -> None:
    """Start *name*'s server through the hub's API (if it is not running) and wait until it is ready."""
    if not api(hub["base"], hub["token"], "GET", f"/users/{name}").get("servers"):
        api(hub["base"], hub["token"], "POST", f"/users/{name}/server")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server_ready(hub, name):
            return
        time.sleep(0.5)
    raise AssertionError(hub["log"].read_text()[-3000:])


async def run_cell(hub: dict, name: str, code: str, keep_kernel: bool = False) -> str:
    """Run *code* in a new kernel on *name*'s server; what it printed. The kernel is shut down unless *keep_kernel*."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    token = hub["token"]
    kernel = api(hub["url"], token, "POST", f"/user/{name}/api/kernels", {"name": "python3"})
    ws_url = hub["url"].replace("http", "ws", 1) + f"/user/{name}/api/kernels/{kernel['id']}/channels"
    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    msg_id = secrets.token_hex(8)
    header = {"msg_id": msg_id, "username": name, "session": msg_id, "msg_type": "execute_request", "version": "5.3"}
    content = {"code": code, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False}
    await conn.write_message(
        json.dumps(
            {
                "header": header,
                "parent_header": {},
                "metadata": {},
                "content": {**content, "stop_on_error": True},
                "channel": "shell",
                "buffers": [],
            }
        )
    )
    out = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        raw = await asyncio.wait_for(conn.read_message(), timeout=120)
        msg = json.loads(raw)
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg["header"]["msg_type"]
        if kind == "stream":
            out.append(msg["content"]["text"])
        elif kind == "error":
            raise AssertionError("\n".join(msg["content"]["traceback"]))
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            break
    conn.close()
    if not keep_kernel:
        api(hub["url"], token, "DELETE", f"/user/{name}/api/kernels/{kernel['id']}")
    return "".join(out)
