"""JupyterLab in headless Chromium: a server of our own, a copy of the notebooks, page helpers.

Used by every ``tests/browser/test_*.py``. The server gets its own config, runtime, workspace
and settings folders and its own walkthrough state folder (so its own practice account), and
serves a *copy* of ``notebooks/`` with autosave off: the committed files are never touched.
"""

from __future__ import annotations

import fcntl
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers.lab_env import lesson_env

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-output" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
]
IDLE = "Python 3 (ipykernel) | Idle"
# Under xdist, at most this many browser tests (JupyterLab, kernels, Chromium) run at once: more on two cores
# only makes each slower, up to the harness's timeouts. The other workers wait for a slot.
BROWSER_SLOTS = int(os.environ.get("AML_TEST_BROWSER_SLOTS", "2"))
# The notebook on show (JupyterLab hides the others' panels).
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
STAYS_SECONDS = 2  # a message a click gives must still be on the page this long after (issue 13)


def require_browser() -> None:
    """Skip (or, on CI / with REQUIRE_BROWSER, fail) when Debian's chromium is missing."""
    if CHROMIUM.exists():
        return
    reason = "Debian's chromium is not installed (sudo apt-get install chromium)"
    if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"{reason}, and CI/REQUIRE_BROWSER says the browser tests must run.")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    url: str
    token: str
    folder: Path
    state: Path
    proc: subprocess.Popen

    def notebook_url(self, name: str) -> str:
        # reset: open only this notebook (a restored workspace reopens earlier tabs and starts their kernels).
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"


def _write_settings(settings: Path) -> None:
    """No news pop-up, no update check, no autosave, no kernel-start dialog in the way."""
    files = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        # Render every cell: with windowing, off-screen cells keep an empty prompt and "all ran" can't be seen.
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for rel, data in files.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data))


@contextmanager
def browser_slot():
    """One of BROWSER_SLOTS places shared by the xdist workers of this run (a lock file each); no-op without xdist."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not run:
        yield
        return
    folder = Path(tempfile.gettempdir()) / f"aml-browser-slots-{run}"
    folder.mkdir(exist_ok=True)
    while True:
        for slot in range(BROWSER_SLOTS):
            with open(folder / f"slot-{slot}", "w") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                yield  # the lock goes when the file closes
                return
        time.sleep(0.5)


@contextmanager
def running_lab(tmp: Path, env_extra: dict[str, str] | None = None, auto: bool = False):
    """Start JupyterLab on a free port over a copy of notebooks/; stop exactly that server afterwards.

    Its kernels run as a learner's do: without ``AML_WALKTHROUGH_AUTO`` (forms wait for clicks),
    unless *auto* is True (forms apply themselves, as under the test suite's nbval runs). Under xdist
    it first waits for a browser slot (``browser_slot``), held until the lab stops.
    """
    with browser_slot(), _running_lab(tmp, env_extra, auto) as lab:
        yield lab


@contextmanager
def _running_lab(tmp: Path, env_extra: dict[str, str] | None, auto: bool):
    folder = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    state = tmp / "state"
    state.mkdir()
    jupyter = {name: tmp / name for name in ("config", "runtime", "workspaces", "settings", "data")}
    for path in jupyter.values():
        path.mkdir()
    _write_settings(jupyter["settings"])
    token = secrets.token_hex(16)
    port = free_port()
    # The same environment as `make lab` gives JupyterLab (helpers.lab_env): .venv/bin first on PATH.
    env = lesson_env(dict(os.environ), pin_state=False)
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AML_WALKTHROUGH_AUTO"):
        env.pop(name, None)
    if auto:
        env["AML_WALKTHROUGH_AUTO"] = "1"
    env.update(
        {
            "AML_WALKTHROUGH_HOME": str(state),
            "JUPYTER_CONFIG_DIR": str(jupyter["config"]),
            "JUPYTER_RUNTIME_DIR": str(jupyter["runtime"]),
            "JUPYTERLAB_WORKSPACES_DIR": str(jupyter["workspaces"]),
            "JUPYTERLAB_SETTINGS_DIR": str(jupyter["settings"]),
            "JUPYTER_TOKEN": token,
        }
    )
    env.update(env_extra or {})
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip", "127.0.0.1", "--port", str(port)]
    cmd += ["--ServerApp.port_retries=0", f"--ServerApp.root_dir={folder}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(tmp / "jupyterlab.log", "wb")
    proc = subprocess.Popen(cmd, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    lab = Lab(url, token, folder, state, proc)
    try:
        _wait_ready(lab, tmp / "jupyterlab.log")
        yield lab
    finally:
        _shutdown(lab)
        log.close()
        _stop_practice_account(state)


def _wait_ready(lab: Lab, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lab.proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{lab.url}/api/status?token={lab.token}", timeout=2):
                return
        except (OSError, http.client.HTTPException):  # not up yet, or another process answered on the port
            time.sleep(0.3)
    raise RuntimeError(f"JupyterLab did not answer within {timeout} s:\n{log.read_text()[-2000:]}")


def _shutdown(lab: Lab) -> None:
    request = urllib.request.Request(
        f"{lab.url}/api/shutdown", method="POST", headers={"Authorization": f"token {lab.token}"}
    )
    try:
        urllib.request.urlopen(request, timeout=5).close()
    except OSError:
        pass
    try:
        lab.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        lab.proc.terminate()
        lab.proc.wait(timeout=10)


def _stop_practice_account(state: Path) -> None:
    from helpers.sandbox import server

    try:
        server.stop(home=state)
    except Exception as exc:  # the test is over; report and move on
        print(f"(could not stop the browser test's practice account: {type(exc).__name__})")


@contextmanager
def browser_page():
    """A headless Chromium page (Debian's chromium, no Playwright download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()


def open_notebook(page, lab: Lab, name: str) -> None:
    """Open *name* and wait until its kernel is attached and idle (the status bar, not the toolbar)."""
    page.goto(lab.notebook_url(name))
    page.wait_for_selector(NOTEBOOK)
    page.get_by_text(IDLE).first.wait_for(timeout=90_000)


def run_all(page) -> None:
    """Run › Run All Cells, then wait until every code cell has run and the kernel is idle again."""
    prompts = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt")
    for _attempt in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if any(t.strip() not in ("[ ]:", "") for t in prompts.all_inner_texts()):
                wait_all_cells_ran(page)
                return
            time.sleep(0.5)
        page.keyboard.press("Escape")  # a menu left open by a click that landed too early
    wait_all_cells_ran(page)


def wait_all_cells_ran(page, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    prompts = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt"
    while time.monotonic() < deadline:
        texts = page.locator(prompts).all_inner_texts()
        if texts and all(t.strip() not in ("[ ]:", "[*]:", "") for t in texts):
            page.get_by_text(IDLE).first.wait_for()
            return
        time.sleep(0.5)
    shot = SCREENSHOTS / "failed-run-all.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot))
    raise AssertionError(
        "not every cell finished running (screenshot: "
        + str(shot)
        + "): "
        + ", ".join(page.locator(prompts).all_inner_texts())
    )


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --- clicking through a notebook as a learner does (tests/browser/test_browser_lesson.py and others) ---


def run_menu(page, item: str | re.Pattern) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def button(scope, css: str):
    """An ipywidgets Button by its class (the class sits on the button itself)."""
    return scope.locator(f"button.{css}, .{css} button").first


def shown_code(app) -> str:
    return re.sub(r"\D", "", app.locator(".aml-authenticator-code").inner_text())


def next_code(app, lab: Lab) -> str:
    """The simulated app's next code, without waiting out its 30 s step: the practice account's clock (which the
    app and the account's TOTP checks both read) skips one step ahead; the app shows the code at its next tick."""
    from helpers.sandbox import clock

    first = shown_code(app)
    clock.advance(30, home=lab.state)
    deadline = time.monotonic() + 10
    while shown_code(app) == first and time.monotonic() < deadline:
        time.sleep(0.2)
    code = shown_code(app)
    assert code != first, "the simulated app did not move on to the next code"
    return code


def stays(scope, css: str, text: str, timeout: float = 60) -> str:
    """Wait for *text* in the element *css* inside *scope*; it must still be there two seconds later."""
    box = scope.locator(css).first
    box.wait_for()
    deadline = time.monotonic() + timeout
    now = box.inner_text()
    while text not in now and time.monotonic() < deadline:
        time.sleep(0.3)
        now = box.inner_text()
    assert text in now, f"{text!r} never showed in {css}: it shows {now!r}"
    time.sleep(STAYS_SECONDS)
    now = box.inner_text()
    assert text in now, f"the message {text!r} vanished from {css}: now {now!r}"
    return now


def wait_cells_done(page, timeout: float = 180) -> None:
    """Every queued cell has run (no "[*]" prompt left) and the kernel is idle."""
    prompts = f"{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt"
    time.sleep(0.5)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(t.strip() == "[*]:" for t in page.locator(prompts).all_inner_texts()):
            page.get_by_text(IDLE).first.wait_for()
            return
        time.sleep(0.5)
    raise AssertionError("cells still running: " + ", ".join(page.locator(prompts).all_inner_texts()))


def code_cell(notebook, text: str, nth: int = 0):
    return notebook.locator(".jp-CodeCell", has_text=text).nth(nth)


def run_from(page, cell) -> None:
    """Select *cell*, then Run › Run Selected Cell and All Below (forms below wait for their clicks)."""
    cell.locator(".jp-InputArea-prompt").click()
    run_menu(page, "Run Selected Cell and All Below")
    wait_cells_done(page)


def run_above_and_this(page, cell) -> None:
    cell.locator(".jp-InputArea-prompt").click()
    run_menu(page, "Run All Above Selected Cell")
    wait_cells_done(page)
    run_menu(page, re.compile(r"^Run Selected Cells? and Do not Advance$"))
    wait_cells_done(page)


def open_alone(page, lab, name: str, workspace: str) -> None:
    """Open *name* in a workspace of its own: only this notebook's tab, no earlier tab restored.

    Each earlier tab restored would start its kernel again (its session was shut down), and on
    two cores that race can leave Run All waiting.
    """
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{name}?reset&token={lab.token}")
    page.wait_for_selector(NOTEBOOK)
    page.get_by_text(IDLE).first.wait_for(timeout=90_000)


def close_kernels(lab) -> None:
    """Shut the previous notebook's kernel down, as a learner closing the tab would (2 cores, 7 kernels)."""
    headers = {"Authorization": f"token {lab.token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{lab.url}/api/sessions", headers=headers), timeout=10) as r:
        sessions = json.loads(r.read())
    for session in sessions:
        request = urllib.request.Request(f"{lab.url}/api/sessions/{session['id']}", method="DELETE", headers=headers)
        urllib.request.urlopen(request, timeout=30).close()
