"""`make lab` and `make stop`: the practice account plus JupyterLab at notebooks/00-start-here.ipynb.

Every problem is one sentence and the command that fixes it; no tracebacks.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_NOTEBOOK = "notebooks/00-start-here.ipynb"
DEFAULT_PORT = 8888
sys.path.insert(0, str(ROOT))  # helpers, also when the editable install is missing


def state_dir() -> Path:
    from helpers.state import state_dir as walkthrough_state

    return walkthrough_state()


def lesson_env(base: dict[str, str]) -> dict[str, str]:
    from helpers.lab_env import lesson_env as build

    return build(base)


def lab_file() -> Path:
    return state_dir() / "lab.json"


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pick_port(preferred: int) -> int:
    if port_free(preferred):
        return preferred
    for port in range(preferred + 1, preferred + 50):
        if port_free(port):
            print(f"Port {preferred} is busy; JupyterLab will use port {port} instead.")
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    print(f"Ports {preferred}-{preferred + 49} are busy; JupyterLab will use port {port} instead.")
    return port


def running_lab() -> dict | None:
    """The JupyterLab this folder started earlier, if it still runs."""
    from helpers.sandbox.process import pid_alive

    try:
        info = json.loads(lab_file().read_text())
    except (OSError, ValueError):
        return None
    if not pid_alive(int(info.get("pid", 0))):
        lab_file().unlink(missing_ok=True)  # stale: that JupyterLab is gone
        return None
    return info


def start_practice_account() -> None:
    done = subprocess.run([sys.executable, "-m", "helpers.sandbox", "start"], cwd=ROOT)
    if done.returncode != 0:
        sys.exit(done.returncode)


def wait_ready(url: str, token: str, proc: subprocess.Popen, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def lab() -> int:
    found = running_lab()
    if found:
        print(f"JupyterLab is already running: {found['url']} (pid {found['pid']}).")
        print("Open that address, or stop it with `make stop` first.")
        return 0
    start_practice_account()
    port = pick_port(int(os.environ.get("AML_LAB_PORT", DEFAULT_PORT)))
    token = secrets.token_hex(24)
    # The lesson's environment: terminals and kernels find .venv/bin first on PATH (helpers.lab_env).
    env = lesson_env(dict(os.environ, JUPYTER_TOKEN=token))
    cmd = [sys.executable, "-m", "jupyterlab", "--ip", "127.0.0.1", "--port", str(port)]
    cmd += ["--ServerApp.port_retries=0", f"--ServerApp.root_dir={ROOT}"]
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        cmd.append("--no-browser")  # no screen: print the address instead of trying to open a browser
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    cmd.append(START_NOTEBOOK)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/lab/tree/{START_NOTEBOOK}?token={token}"
    path = lab_file()
    path.write_text(json.dumps({"pid": proc.pid, "url": url, "port": port}))
    path.chmod(0o600)  # the address carries the token
    try:
        if wait_ready(base, token, proc):
            print("\n" + "=" * 72)
            print(f"JupyterLab is ready: {url}")
            print("Stop it with Ctrl+C here, or `make stop` from another terminal (that also stops the")
            print("practice account; Ctrl+C keeps it running, with your progress).")
            print("=" * 72 + "\n", flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.terminate()
        return 0
    finally:
        path.unlink(missing_ok=True)


def stop() -> int:
    found = running_lab()
    if found:
        os.kill(int(found["pid"]), signal.SIGTERM)
        print(f"Stopped JupyterLab (pid {found['pid']}).")
        lab_file().unlink(missing_ok=True)
    else:
        print("No JupyterLab started by `make lab` is running.")
    done = subprocess.run([sys.executable, "-m", "helpers.sandbox", "stop"], cwd=ROOT)
    return done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stop", action="store_true", help="stop JupyterLab and the practice account")
    args = parser.parse_args()
    try:
        return stop() if args.stop else lab()
    except OSError as exc:
        print(f"Could not start: {exc.strerror or exc}. Check that {state_dir()} is writable, then run make lab again.")
        return 1


if __name__ == "__main__":
    sys.exit(main())
