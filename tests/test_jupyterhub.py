"""The shipped workshop hub, for real and as the README starts it: `scripts/hub.py` (make hub) as root.

Two learners and an instructor sign in with the room's and the admins' passwords. Each learner
is a Unix user the hub created (jupyter-amltest-alice, jupyter-amltest-bob) with a private home,
and runs a notebook cell in a real kernel in their own practice account. From alice's kernel every
attack of issue 16 is tried and refused: bob's home, credentials and server.json, bob's practice
account with or without a token, the hub's data folder, database, cookie secret and environment.
Alice then forges her server.json (root's pid) and symlinks her .start.lock into the hub's data
folder: stopping her server (the post-stop hook, run as alice) kills nothing and creates nothing.
Bob's lesson still works. The test's Unix users are removed at the end (userdel -r).

Needs root (CI runs as root); skipped with one line why elsewhere, unless CI is set.
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
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HUB_SCRIPT = ROOT / "scripts" / "hub.py"
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
PROXY_VERSION = "5.3.0"
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through the run's dead proxy
ALICE, BOB, TEACHER = "amltest-alice", "amltest-bob", "amltest-teacher"
UNIX = {name: f"jupyter-{name}" for name in (ALICE, BOB, TEACHER)}


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "the workshop hub runs as root (it creates a Unix user per learner)"
    if shutil.which("useradd") is None:
        return "useradd is missing"
    if shutil.which("npm") is None and not os.environ.get("AML_CHP"):
        return "npm is not installed (needed for configurable-http-proxy)"
    return None


if _missing() and not os.environ.get("CI"):
    pytestmark = pytest.mark.skip(reason=_missing())

# The cell each learner runs: jump to the start of notebook 03, add a user of their own as the
# root user, and report what their account holds (IDs only, never a secret).
CELL = """
import json, os, shutil
from helpers import account, aws
from helpers.sandbox import scenarios, server
scenarios.reset(at="03")
iam = aws.client(account.current_account().session("root-keys"), "iam")
iam.create_user(UserName="only-" + os.environ["USER"])
users = sorted(u["UserName"] for u in iam.list_users()["Users"])
keys = sorted(k["AccessKeyId"] for u in users for k in iam.list_access_keys(UserName=u)["AccessKeyMetadata"])
print(json.dumps({"home": os.environ["AML_WALKTHROUGH_HOME"], "users": users, "keys": keys,
                  "url": server.status().url, "uid": os.getuid(), "python": shutil.which("python")}))
"""

# Alice's attacks: each prints "refused" or what it got.
ATTACKS = """
import json, os, urllib.request, urllib.error
from pathlib import Path
bob_home, data, hub_pid, bob_url = {bob_home!r}, {data!r}, {hub_pid!r}, {bob_url!r}
own = json.loads((Path(os.environ["AML_WALKTHROUGH_HOME"]) / "sandbox" / "server.json").read_text())
out = {{}}
def attempt(name, fn):
    try:
        got = fn()
        out[name] = "GOT " + repr(got)[:80]
    except (PermissionError, FileNotFoundError):
        out[name] = "refused"
def call(path, token=None):
    request = urllib.request.Request(bob_url + path, headers={{"X-AML-Sandbox-Token": token}} if token else {{}})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({{}}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise PermissionError(exc.code) from None
        return exc.code
attempt("bob home", lambda: os.listdir(bob_home))
attempt("bob server.json", lambda: Path(bob_home, ".aml-walkthrough/sandbox/server.json").read_text())
attempt("bob credentials", lambda: Path(bob_home, ".aml-walkthrough/sandbox/credentials").read_text())
attempt("bob aws", lambda: Path(bob_home, ".aws/credentials").read_text())
attempt("bob secrets no token", lambda: call("/_sandbox/issued-secrets"))
attempt("bob secrets alice token", lambda: call("/_sandbox/issued-secrets", own["token"]))
attempt("bob moto dump no token", lambda: call("/moto-api/data.json"))
attempt("bob moto dump alice token", lambda: call("/moto-api/data.json", own["token"]))
attempt("hub data", lambda: os.listdir(data))
attempt("hub database", lambda: Path(data, "jupyterhub.sqlite").read_bytes())
attempt("hub cookie secret", lambda: Path(data, "jupyterhub_cookie_secret").read_bytes())
attempt("hub environ", lambda: Path(f"/proc/{{hub_pid}}/environ").read_bytes())
out["room password in my environment"] = any("AML_HUB" in k for k in os.environ)
print(json.dumps(out))
"""

# Alice forges her server.json with a process that is not hers, and symlinks her start lock into the hub's data.
FORGE = """
import json, os
from pathlib import Path
sandbox = Path(os.environ["AML_WALKTHROUGH_HOME"]) / "sandbox"
data = json.loads((sandbox / "server.json").read_text())
real = data["pid"]
data["pid"] = {victim}
(sandbox / "server.json").write_text(json.dumps(data))
(sandbox / ".start.lock").unlink(missing_ok=True)
os.symlink({target!r}, sandbox / ".start.lock")
print(real)
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


def _uid(unix_name: str) -> int | None:
    try:
        return pwd.getpwnam(unix_name).pw_uid
    except KeyError:
        return None


def _kill_processes_of(uids: set[int]) -> None:
    """End the processes of this test's own Unix users (a practice account outliving a forged stop)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid in uids:
                    os.kill(int(entry.name), signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass


def _remove_test_users() -> None:
    uids = {uid for uid in map(_uid, UNIX.values()) if uid is not None}
    _kill_processes_of(uids)
    if uids:
        time.sleep(0.2)
    for unix_name in UNIX.values():
        if _uid(unix_name) is not None:
            subprocess.run(["userdel", "-r", unix_name], capture_output=True, check=False)


def _sign_in(url: str, name: str, password: str) -> int:
    """The hub's login form, as a browser fills it; the HTTP status of the answer (302: signed in)."""
    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar), NoRedirect
    )
    with opener.open(f"{url}/hub/login", timeout=30) as response:
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', response.read().decode()).group(1)
    form = urllib.parse.urlencode({"username": name, "password": password, "_xsrf": xsrf}).encode()
    try:
        with opener.open(f"{url}/hub/login?next=%2Fhub%2Fhome", data=form, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture(scope="module")
def hub():
    from helpers.room import learners

    # A folder every user can pass through, so that only the hub's own 0700 data folder keeps learners out.
    folder = Path(tempfile.mkdtemp(prefix="aml-hub-test-", dir="/tmp"))
    os.chmod(folder, 0o755)
    proxy = _proxy_command()
    _remove_test_users()  # left over from an interrupted run
    group_existed = learners.GROUP in {g.gr_name for g in grp.getgrall()}
    # Learners' servers run as their own users: they must pass through the folders on the way to the
    # lesson's Python (here /root for pyenv), as the README and `make hub` say. Put back at the end.
    opened = {path: path.stat().st_mode for path in learners.private_dirs_on_the_way(learners.lesson_paths())}
    for path, mode in opened.items():
        os.chmod(path, mode | 0o001)
    token = secrets.token_hex(32)
    port, hub_port, proxy_api = _free_port(), _free_port(), _free_port()
    test_config = folder / "test_config.py"
    test_config.write_text(
        f"load_subconfig({str(CONFIG)!r})\n"
        f"c.JupyterHub.hub_port = {hub_port}\n"
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{proxy_api}'\n"
        "c.JupyterHub.services = list(c.JupyterHub.services) + [{'name': 'aml-test', 'api_token': %r}]\n"
        "c.JupyterHub.load_roles = list(c.JupyterHub.load_roles) + [{'name': 'aml-test', 'services': ['aml-test'],\n"
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
            "AML_HUB_ADMINS": TEACHER,
            "AML_HUB_ADMIN_PASSWORD": passwords["admin"],
            "AML_HUB_PROXY": proxy,
            "AML_HUB_ROOM_URL": f"http://127.0.0.1:{_free_port()}",
        }
    )
    log = open(folder / "hub.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, str(HUB_SCRIPT), "--config", str(test_config)],
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
        yield {
            "base": base,
            "url": f"http://127.0.0.1:{port}",
            "token": token,
            "folder": folder,
            "data": folder / "data",
            "pid": process.pid,
            "passwords": passwords,
        }
    finally:
        process.send_signal(signal.SIGTERM)  # the hub stops its proxy and the learners' servers
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        _remove_test_users()
        if not group_existed:
            subprocess.run(["groupdel", learners.GROUP], capture_output=True, check=False)
        for path, mode in opened.items():
            os.chmod(path, mode)
        shutil.rmtree(folder, ignore_errors=True)


def _spawn(hub, name: str) -> None:
    if not _api(hub["base"], hub["token"], "GET", f"/users/{name}").get("servers"):
        _api(hub["base"], hub["token"], "POST", f"/users/{name}/server")
    deadline = time.monotonic() + 150
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
    _api(hub["url"], token, "DELETE", f"/user/{name}/api/kernels/{kernel['id']}")
    return "".join(out)


async def _run_in_terminal(hub, name: str, line: str) -> str:
    """Type *line* in a new JupyterLab terminal of *name*'s server; what the terminal showed until it ended."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    token = hub["token"]
    term = _api(hub["url"], token, "POST", f"/user/{name}/api/terminals")["name"]
    ws_url = hub["url"].replace("http", "ws", 1) + f"/user/{name}/terminals/websocket/{term}"
    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    await conn.write_message(json.dumps(["stdin", line + "; echo AML-END-$((40+2))\r"]))
    out = ""
    deadline = time.monotonic() + 90
    while "AML-END-42" not in out and time.monotonic() < deadline:
        raw = await asyncio.wait_for(conn.read_message(), timeout=90)
        kind, *rest = json.loads(raw)
        if kind == "stdout":
            out += rest[0]
    conn.close()
    _api(hub["url"], token, "DELETE", f"/user/{name}/api/terminals/{term}")
    return out


def _last_json(text: str):
    return json.loads(text.strip().splitlines()[-1])


def test_sign_in_with_the_room_and_admin_passwords(hub):
    room, admin = hub["passwords"]["room"], hub["passwords"]["admin"]
    assert _sign_in(hub["url"], ALICE, room) == 302
    assert _sign_in(hub["url"], BOB, room) == 302
    assert _sign_in(hub["url"], TEACHER, admin) == 302
    assert _sign_in(hub["url"], ALICE, "not-the-password") == 403
    assert _sign_in(hub["url"], TEACHER, room) == 403  # the room's password does not make anyone an admin
    users = {u["name"]: u for u in _api(hub["base"], hub["token"], "GET", "/users")}
    assert users[TEACHER]["admin"] and not users[ALICE]["admin"]
    # The idle culler runs (pinned), so a learner who went home frees their memory.
    services = _api(hub["base"], hub["token"], "GET", "/services")
    assert "idle-culler" in services and services["idle-culler"].get("pid")
    # The hub's data folder is root's alone.
    assert (hub["data"].stat().st_mode & 0o777) == 0o700 and hub["data"].stat().st_uid == 0


def test_learners_are_unix_users_and_nothing_of_bob_reaches_alice(hub):
    from helpers.room import learners

    seen = {}
    for name in (ALICE, BOB):
        _spawn(hub, name)
        seen[name] = _last_json(asyncio.run(_run_cell(hub, name, CELL)))
    alice, bob = seen[ALICE], seen[BOB]
    for name, info in seen.items():
        entry = pwd.getpwnam(UNIX[name])
        assert info["uid"] == entry.pw_uid != 0  # the server and kernel run as the learner, not root
        assert Path(info["home"]) == Path(entry.pw_dir) / ".aml-walkthrough"
        assert (Path(entry.pw_dir).stat().st_mode & 0o777) == 0o700
        assert (Path(entry.pw_dir) / "notebooks" / "00-start-here.ipynb").stat().st_uid == entry.pw_uid
        assert info["python"] == str(learners.lesson_bin() / "python")  # the lesson's python first on PATH
    assert "only-" + UNIX[ALICE] in alice["users"] and "only-" + UNIX[BOB] not in alice["users"]
    assert "only-" + UNIX[BOB] in bob["users"] and "only-" + UNIX[ALICE] not in bob["users"]
    assert alice["keys"] and bob["keys"] and not set(alice["keys"]) & set(bob["keys"])

    attacks = ATTACKS.format(
        bob_home=pwd.getpwnam(UNIX[BOB]).pw_dir, data=str(hub["data"]), hub_pid=hub["pid"], bob_url=bob["url"]
    )
    results = _last_json(asyncio.run(_run_cell(hub, ALICE, attacks)))
    refused = {name: outcome for name, outcome in results.items() if name != "room password in my environment"}
    assert refused and all(outcome == "refused" for outcome in refused.values()), results
    assert results["room password in my environment"] is False

    # No JupyterLab news pop-up: the lesson's settings override the notification plugin's defaults.
    plugin = "@jupyterlab/apputils-extension:notification"
    news = _api(hub["url"], hub["token"], "GET", f"/user/{BOB}/lab/api/settings/{plugin}")["schema"]["properties"]
    assert news["fetchNews"]["default"] == "false" and news["checkForUpdates"]["default"] is False

    # In a learner's terminal, the lesson's python and helpers work as the docs write them.
    shown = asyncio.run(_run_in_terminal(hub, BOB, "command -v python; python -m helpers.status"))
    assert str(learners.lesson_bin() / "python") in shown and "AML-END-42" in shown, shown[-2000:]
    assert "command not found" not in shown and "No module named" not in shown and "Traceback" not in shown

    # Bob's lesson still works.
    again = _last_json(asyncio.run(_run_cell(hub, BOB, CELL.replace('"only-"', '"again-"'))))
    assert "again-" + UNIX[BOB] in again["users"] and again["url"] == bob["url"]


def test_the_stop_hook_acts_as_the_learner(hub):
    """A forged pid kills nothing that is not alice's; a symlinked .start.lock creates nothing outside her home."""
    victim = subprocess.Popen(["sleep", "300"])  # root's, like the hub
    target = hub["data"] / "created-by-the-stop-hook"
    try:
        _spawn(hub, ALICE)
        asyncio.run(_run_cell(hub, ALICE, FORGE.format(victim=victim.pid, target=str(target))))
        _api(hub["base"], hub["token"], "DELETE", f"/users/{ALICE}/server")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            user = _api(hub["base"], hub["token"], "GET", f"/users/{ALICE}")
            if not user.get("servers"):
                break
            time.sleep(0.5)
        assert victim.poll() is None  # root's process lives
        assert not target.exists()
        # The hook did run, as alice (as root it would have created the target).
        assert f"Stopping the practice account as {UNIX[ALICE]}" in (hub["folder"] / "hub.log").read_text()
    finally:
        victim.kill()
        victim.wait()


def _as_user(hub, name: str):
    """An opener that carries *name*'s API token and cookies (for the room board's page and its form)."""
    token = _api(hub["base"], hub["token"], "POST", f"/users/{name}/tokens", {"note": "room test"})["token"]
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    opener.addheaders = [("Authorization", f"token {token}")]
    return opener


def test_the_room_board_page_is_for_instructors_only(hub):
    for name in (ALICE, BOB):
        _spawn(hub, name)
    page = f"{hub['url']}/services/room/"
    with pytest.raises(urllib.error.HTTPError) as refused:
        _as_user(hub, ALICE).open(page, timeout=60)
    assert refused.value.code == 403
    teacher = _as_user(hub, TEACHER)
    with teacher.open(page, timeout=120) as response:
        shown = response.read().decode()
    assert 'http-equiv="refresh" content="30' in shown
    assert f"<td>{ALICE}</td>" in shown and f"<td>{BOB}</td>" in shown
    # Put bob at the start of notebook 04 from the page: bob moves, alice does not.
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', shown).group(1)
    form = urllib.parse.urlencode({"_xsrf": xsrf, "learner": BOB, "notebook": "04"}).encode()
    with teacher.open(page, data=form, timeout=180) as response:
        after = response.read().decode()
    assert "notebook 04" in after or "-04" in after, after[-1500:]
    from helpers.room import board

    assert board.read_row(UNIX[BOB]).stage == "04"
    assert board.read_row(UNIX[ALICE]).stage != "04"


KEEP_CELL = """
import json
from helpers import account, aws
iam = aws.client(account.current_account().session("root-keys"), "iam")
if {create}:
    iam.create_user(UserName="kept-across-a-stop")
print(json.dumps(sorted(u["UserName"] for u in iam.list_users()["Users"])))
"""


def test_stopping_a_learners_server_keeps_their_progress(hub):
    from helpers.room import board

    _spawn(hub, BOB)
    board.put_at(BOB, "03")
    assert "kept-across-a-stop" in _last_json(asyncio.run(_run_cell(hub, BOB, KEEP_CELL.format(create=True))))
    _api(hub["base"], hub["token"], "DELETE", f"/users/{BOB}/server")
    deadline = time.monotonic() + 60
    while _api(hub["base"], hub["token"], "GET", f"/users/{BOB}").get("servers") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert board.read_row(UNIX[BOB]).up is False  # the stop hook stopped bob's practice account, as bob
    _spawn(hub, BOB)
    assert "kept-across-a-stop" in _last_json(asyncio.run(_run_cell(hub, BOB, KEEP_CELL.format(create=False))))
