"""The shipped JupyterHub configuration, for real: a hub and its proxy on 127.0.0.1, two learners.

Each learner's server is spawned by the config's local spawner, runs one notebook cell in a real
kernel (Jupyter server REST + kernel websocket), and acts in its own practice account: neither
sees the other's users or keys. Stopping a server stops its practice account. Skipped (one line
why) when JupyterHub or npm is missing, unless CI is set.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
PROXY_VERSION = "5.3.0"
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through the run's dead proxy


def _missing() -> str | None:
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        return "JupyterHub is not installed (pip install jupyterhub)"
    if shutil.which("npm") is None and not os.environ.get("AML_CHP"):
        return "npm is not installed (needed for configurable-http-proxy)"
    return None


if _missing() and not os.environ.get("CI"):
    pytestmark = pytest.mark.skip(reason=_missing())

# The cell each learner runs: jump to the start of notebook 03, add a user of their own as the
# root user, and report what their account holds (IDs only, never a secret).
CELL = """
import json, os
from helpers import account, aws
from helpers.sandbox import scenarios, server
scenarios.reset(at="03")
iam = aws.client(account.current_account().session("root-keys"), "iam")
iam.create_user(UserName="only-" + os.environ["USER"])
users = sorted(u["UserName"] for u in iam.list_users()["Users"])
keys = sorted(k["AccessKeyId"] for u in users for k in iam.list_access_keys(UserName=u)["AccessKeyMetadata"])
print(json.dumps({"home": os.environ["AML_WALKTHROUGH_HOME"], "users": users, "keys": keys,
                  "url": server.status().url}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, token: str, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        method=method,
    )
    with LOCAL.open(request, timeout=30) as response:
        raw = response.read()
    return json.loads(raw) if raw else {}


def _proxy_command() -> str:
    """configurable-http-proxy: $AML_CHP, else on PATH, else installed once into .venv/node (git-ignored)."""
    if os.environ.get("AML_CHP"):
        return os.environ["AML_CHP"]
    if shutil.which("configurable-http-proxy"):
        return shutil.which("configurable-http-proxy")
    prefix = ROOT / ".venv" / "node"
    command = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    if not command.exists():
        # The run's dead HTTPS proxy guards against reaching AWS; npm talks only to its registry.
        env = {k: v for k, v in os.environ.items() if k.lower() not in ("https_proxy", "http_proxy")}
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(prefix),
                "--no-audit",
                "--no-fund",
                "--no-save",
                f"configurable-http-proxy@{PROXY_VERSION}",
            ],
            check=True,
            capture_output=True,
            timeout=300,
            env=env,
        )
    return str(command)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hub")
    proxy = _proxy_command()
    token = secrets.token_hex(32)
    port, hub_port, proxy_api = _free_port(), _free_port(), _free_port()
    test_config = folder / "test_config.py"
    test_config.write_text(
        f"load_subconfig({str(CONFIG)!r})\n"
        f"c.JupyterHub.hub_port = {hub_port}\n"
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{proxy_api}'\n"
        "c.JupyterHub.services = [{'name': 'aml-test', 'api_token': %r}]\n"
        "c.JupyterHub.load_roles = [{'name': 'aml-test', 'services': ['aml-test'],\n"
        "    'scopes': ['admin:users', 'admin:servers', 'access:servers', 'tokens']}]\n"
        "import os\n"
        "if os.geteuid() == 0:\n"
        "    c.Spawner.args = ['--allow-root']\n" % token
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AML_WALKTHROUGH_"))}
    env.update(
        {
            "AML_HUB_DATA": str(folder / "data"),
            "AML_HUB_BIND_URL": f"http://127.0.0.1:{port}",
            "AML_HUB_PASSWORD": secrets.token_urlsafe(12),
            "AML_HUB_PROXY": proxy,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        }
    )
    log = open(folder / "hub.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(test_config)],
        cwd=folder,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/hub/api"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _api(base, token, "GET", "/")
                break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((folder / "hub.log").read_text()[-3000:]) from None
                time.sleep(0.3)
        yield {"base": base, "url": f"http://127.0.0.1:{port}", "token": token, "folder": folder}
    finally:
        process.send_signal(signal.SIGTERM)  # the hub stops its proxy and the learners' servers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        from helpers.sandbox import server

        for state in (folder / "data" / "learners").glob("*/.aml-walkthrough"):
            server.stop(state)  # in case a practice account outlived its server


def _spawn(hub, name: str) -> None:
    _api(hub["base"], hub["token"], "POST", f"/users/{name}")
    _api(hub["base"], hub["token"], "POST", f"/users/{name}/server")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        user = _api(hub["base"], hub["token"], "GET", f"/users/{name}")
        if user.get("servers", {}).get("", {}).get("ready"):
            return
        time.sleep(0.5)
    raise AssertionError((hub["folder"] / "hub.log").read_text()[-3000:])


async def _run_cell(hub, name: str, code: str) -> str:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    token = hub["token"]
    kernel = _api(hub["url"], token, "POST", f"/user/{name}/api/kernels", {"name": "python3"})
    ws_url = hub["url"].replace("http", "ws", 1) + f"/user/{name}/api/kernels/{kernel['id']}/channels"
    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    msg_id = secrets.token_hex(8)
    await conn.write_message(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "username": name,
                    "session": msg_id,
                    "msg_type": "execute_request",
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "content": {
                    "code": code,
                    "silent": False,
                    "store_history": False,
                    "user_expressions": {},
                    "allow_stdin": False,
                    "stop_on_error": True,
                },
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
    _api(hub["url"], token, "DELETE", f"/user/{name}/api/kernels/{kernel['id']}")
    return "".join(out)


def test_two_learners_each_have_their_own_practice_account(hub):
    from helpers.sandbox import server

    seen = {}
    for name in ("alice", "bob"):
        _spawn(hub, name)
        seen[name] = json.loads(asyncio.run(_run_cell(hub, name, CELL)).strip().splitlines()[-1])
    alice, bob = seen["alice"], seen["bob"]
    assert alice["home"] != bob["home"] and alice["url"] != bob["url"]
    assert "only-alice" in alice["users"] and "only-bob" not in alice["users"]
    assert "only-bob" in bob["users"] and "only-alice" not in bob["users"]
    assert "AML@Packt" in alice["users"] and "AML@Packt" in bob["users"]
    assert alice["keys"] and bob["keys"] and not set(alice["keys"]) & set(bob["keys"])
    # Each learner has their own notebooks, and their state folder is inside their own home.
    for name, info in seen.items():
        learner = hub["folder"] / "data" / "learners" / name
        assert Path(info["home"]) == learner / ".aml-walkthrough"
        assert (learner / "notebooks" / "00-start-here.ipynb").exists()
    # Stopping a learner's server stops their practice account, and only theirs.
    _api(hub["base"], hub["token"], "DELETE", "/users/alice/server")
    deadline = time.monotonic() + 30
    while server.status(Path(alice["home"])) is not None and time.monotonic() < deadline:
        time.sleep(0.3)
    assert server.status(Path(alice["home"])) is None
    assert server.status(Path(bob["home"])) is not None
