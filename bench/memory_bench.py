"""Memory per learner, to size a workshop machine: a practice account's server + a notebook kernel.

Both are measured as resident memory (RSS, from /proc) after representative work: the practice
account at the start of notebook 05 with AWS managed policies loaded and a status snapshot
taken, and a kernel that imported the lesson's helpers and drew the status card. Figures only,
never pass/fail. On JupyterHub each learner also has a single-user Jupyter server; it is
measured too and reported apart, so both room kinds can be sized.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROOMS = (10, 30, 100)
KERNEL_WORK = """
import helpers as aml
aml.account.choose_account("sandbox", "aml-packt")
card = aml.status.card()
here = aml.progress.you_are_here("05") if hasattr(aml, "progress") else None
import ipywidgets, pandas
assert card.done == 5, card
"""


def rss_mib(pid: int) -> float:
    """Resident memory of one process in MiB (VmRSS from /proc)."""
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def _kernel_rss(home: Path) -> float:
    from jupyter_client.manager import start_new_kernel

    env = dict(os.environ, AML_WALKTHROUGH_HOME=str(home))
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(ROOT / "notebooks"))
    try:
        reply = kc.execute_interactive(KERNEL_WORK, timeout=120, output_hook=lambda _msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel work failed: {reply['content'].get('ename')}")
        time.sleep(0.5)
        return rss_mib(km.provisioner.process.pid)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _jupyter_server_rss(home: Path) -> float | None:
    """A bare Jupyter server (what JupyterHub runs per learner), started and measured once ready."""
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, AML_WALKTHROUGH_HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "jupyter-config"))
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip",
        "127.0.0.1",
        f"--port={port}",
        "--IdentityProvider.token=bench",
        "--ServerApp.root_dir",
        str(ROOT / "notebooks"),
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                opener.open(f"http://127.0.0.1:{port}/api/status?token=bench", timeout=2).read()
                opener.open(f"http://127.0.0.1:{port}/lab?token=bench", timeout=10).read()
                time.sleep(0.5)
                return rss_mib(process.pid)
            except OSError:
                time.sleep(0.3)
        return None
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def need_gb(learners: int, per_learner_mib: float) -> float:
    """GB of memory for *learners*, rounded up to a tenth."""
    return math.ceil(learners * per_learner_mib / 1024 * 10) / 10


def run() -> dict:
    """Measure one learner's practice account and kernel; say what rooms of 10, 30 and 100 need."""
    from helpers.sandbox import scenarios, server
    from helpers.status.snapshot import take_snapshot

    home = Path(tempfile.mkdtemp(prefix="aml-memory-"))
    try:
        info = server.start(home)
        scenarios.reset(at="05", home=home)
        from helpers import aws
        from helpers.sandbox.source import SandboxAccount

        files = SandboxAccount(home).files()
        take_snapshot(aws.make_session(files, "aml-packt"))  # managed policies loaded, report built
        sandbox = rss_mib(info.pid)
        kernel = _kernel_rss(home)
        sandbox = max(sandbox, rss_mib(info.pid))  # after the kernel's calls too
        hub_server = _jupyter_server_rss(home)
    finally:
        server.stop(home)
    per_learner = sandbox + kernel
    print(f"  practice account {sandbox:.0f} MiB + kernel {kernel:.0f} MiB = {per_learner:.0f} MiB per learner")
    if hub_server:
        print(f"  on JupyterHub each learner also has a Jupyter server: {hub_server:.0f} MiB")
    rooms = {n: need_gb(n, per_learner) for n in ROOMS}
    hub_rooms = {n: need_gb(n, per_learner + hub_server) for n in ROOMS} if hub_server else {}
    for n, gb in rooms.items():
        extra = f" ({hub_rooms[n]} GB on JupyterHub)" if hub_rooms else ""
        print(f"  {n:>3} learners need {gb} GB{extra}")
    return {
        "sandbox_rss_mib": round(sandbox, 1),
        "kernel_rss_mib": round(kernel, 1),
        "per_learner_mib": round(per_learner, 1),
        "need_gb": rooms,
        "jupyter_server_rss_mib": round(hub_server, 1) if hub_server else None,
        "need_gb_on_jupyterhub": hub_rooms,
        "summary": "; ".join(f"{n} learners need {gb} GB" for n, gb in rooms.items())
        + " (practice account + one kernel each; add the OS and, on JupyterHub, each learner's Jupyter server"
        + (f": {', '.join(f'{n} -> {gb} GB' for n, gb in hub_rooms.items())}" if hub_rooms else "")
        + ").",
    }


if __name__ == "__main__":
    run()
