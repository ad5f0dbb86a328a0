"""`make bench`: the workshop hub for real (issue 16): sign-in time for 1 and 8 learners, memory per learner.

Starts the shipped hub as `make hub` does (scripts/hub.py, as root, tests/hub_support.running_hub)
on free 127.0.0.1 ports, then:
  - one learner signs in with the login form; timed from the sign-in POST until their server
    answers /api/status (the hub creates their Unix user and copies the notebooks on the way);
  - eight learners sign in at once (threads): time until all eight answer, and the slowest;
  - the first learner starts a kernel (one cell: ``import helpers as aml; aml.status.card()``) and
    their practice account (``python -m helpers.sandbox start``, run as them); the resident memory
    of every process of their Unix user is summed, and rooms of 10/30/100 are sized from it.
The bench's Unix users (jupyter-amlbench-0 … 8) are removed at the end, and /root's mode put back.
Figures only, never pass/fail. Root only: elsewhere it prints why and skips.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
import urllib.error
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GROUP = 8
NAMES = [f"amlbench-{n}" for n in range(GROUP + 1)]  # amlbench-0 alone, then 1-8 at once
ROOMS = (10, 30, 100)
READY_TIMEOUT = 150  # s; the hub's own spawn timeout is 120 s
CELL = "import helpers as aml\nprint(aml.status.card().done)"


def _why_not() -> str | None:
    from tests.hub_support import missing

    found = missing()
    if found:
        return found
    if not (ROOT / ".venv" / "node" / "node_modules" / ".bin").exists() and not os.environ.get("AML_CHP"):
        try:
            from tests.hub_support import proxy_command

            proxy_command()  # installs the pinned proxy into .venv/node, as the tests do
        except Exception as exc:  # noqa: BLE001 - any failure is a reason to skip, said in one line
            return f"configurable-http-proxy could not be installed ({type(exc).__name__})"
    return None


def _sign_in_until_ready(hub: dict, name: str, times: dict[str, float], errors: dict[str, str]) -> None:
    """Sign in as a browser does, ask for the server (/hub/spawn), wait until its /api/status answers."""
    from tests.hub_support import LOCAL, browser, server_ready

    t0 = time.perf_counter()
    try:
        status, opener = browser(hub["url"], name, hub["passwords"]["room"])
        if status != 302:
            raise RuntimeError(f"sign-in answered {status}")
        try:
            opener.open(f"{hub['url']}/hub/spawn", timeout=60).close()
        except urllib.error.HTTPError as exc:  # 302 to the pending page or the server: the spawn has begun
            if exc.code not in (302, 303):
                raise
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if server_ready(hub, name):
                request = f"{hub['url']}/user/{name}/api/status"
                try:
                    LOCAL.open(_with_token(request, hub["token"]), timeout=30).close()
                    break
                except (urllib.error.URLError, OSError):
                    pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {READY_TIMEOUT} s")
            time.sleep(0.25)
        times[name] = time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - reported with the figures
        errors[name] = f"{type(exc).__name__}: {exc}"[:200]


def _with_token(url: str, token: str):
    import urllib.request

    return urllib.request.Request(url, headers={"Authorization": f"token {token}"})


def _memory(pid: int) -> tuple[int, int, str]:
    """(RSS bytes, PSS bytes, what it is) of one process; zeros when it ended."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return 0, 0, ""
    if "jupyterhub-singleuser" in command:
        kind = "Jupyter server"
    elif "ipykernel" in command:
        kind = "kernel"
    elif "helpers.sandbox" in command or "moto" in command:
        kind = "practice account"
    else:
        kind = "other"
    return rss, pss, kind


def _learner_memory(unix_name: str) -> dict[str, tuple[int, int]]:
    """RSS and PSS summed per kind over every process of *unix_name*."""
    from tests.hub_support import pids_of, uid_of

    uid = uid_of(unix_name)
    parts: dict[str, tuple[int, int]] = {}
    for pid in pids_of(uid) if uid is not None else []:
        rss, pss, kind = _memory(pid)
        if kind:
            old = parts.get(kind, (0, 0))
            parts[kind] = (old[0] + rss, old[1] + pss)
    return parts


def _hub_memory(hub_pid: int) -> int:
    """RSS of root's processes under the hub (the hub, its proxy, the room board, the idle culler)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int(Path(entry, "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo, seen = 0, [hub_pid], set()
    while todo and len(seen) < 1000:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            if Path(f"/proc/{pid}").stat().st_uid != 0:
                continue  # a learner's server: counted per learner
        except OSError:
            continue
        total += _memory(pid)[0]
        todo.extend(children.get(pid, []))
    return total


def run() -> dict:
    reason = _why_not()
    if reason:
        print(f"  skipped: {reason}")
        return {"skipped": reason}
    from helpers.room import learners
    from tests.hub_support import run_cell, running_hub

    figures: dict = {}
    with running_hub([learners.system_name(n) for n in NAMES], prefix="aml-hub-bench-") as hub:
        # (a) one learner alone.
        times: dict[str, float] = {}
        errors: dict[str, str] = {}
        _sign_in_until_ready(hub, NAMES[0], times, errors)
        if NAMES[0] in times:
            figures["one_sign_in_s"] = times[NAMES[0]]
            print(f"  1 learner: sign-in to a ready server (new Unix user):   {times[NAMES[0]]:6.1f} s")
        else:
            print(f"  1 learner: no ready server ({errors.get(NAMES[0])})")

        # (c) memory of that learner, with a kernel that drew the status card and the practice account up.
        if NAMES[0] in times:
            unix = learners.system_name(NAMES[0])
            started = learners.run_as(unix, [learners.learner_python(), "-m", "helpers.sandbox", "start"], timeout=120)
            if started.returncode != 0:
                print(f"  (the practice account did not start: {(started.stdout + started.stderr).strip()[-200:]})")
            try:
                asyncio.run(run_cell(hub, NAMES[0], CELL, keep_kernel=True))
            except (AssertionError, OSError, TimeoutError) as exc:  # the kernel stays: still measured
                print(f"  (the cell failed: {str(exc).strip().splitlines()[-1:]})")
            time.sleep(2)  # let the kernel settle after the cell
            parts = _learner_memory(unix)
            rss = sum(r for r, _ in parts.values())
            pss = sum(p for _, p in parts.values())
            figures.update({"learner_rss_bytes": rss, "learner_pss_bytes": pss})
            for kind in ("Jupyter server", "kernel", "practice account", "other"):
                if kind in parts:
                    print(
                        f"    {kind:<18} {parts[kind][0] / 2**20:6.0f} MiB RSS ({parts[kind][1] / 2**20:4.0f} MiB PSS)"
                    )
            print(f"  memory per learner (all their processes): {rss / 2**20:6.0f} MiB RSS ({pss / 2**20:.0f} MiB PSS)")
            hub_rss = _hub_memory(hub["pid"])
            figures["hub_rss_bytes"] = hub_rss
            print(f"  the hub itself (hub, proxy, room board, culler): {hub_rss / 2**20:6.0f} MiB RSS")
            for n in ROOMS:
                print(f"    room of {n:>3}: {(n * rss + hub_rss) / 1e9:5.1f} GB, plus the operating system")
            figures["rooms_gb"] = {n: (n * rss + hub_rss) / 1e9 for n in ROOMS}

        # (b) eight learners at once.
        group = NAMES[1:]
        times, errors = {}, {}
        threads = [
            threading.Thread(target=_sign_in_until_ready, args=(hub, n, times, errors), daemon=True) for n in group
        ]
        t0 = time.perf_counter()
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + READY_TIMEOUT + 120
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        wall = time.perf_counter() - t0
        figures.update({"group_wall_s": wall, "group_ready": len(times)})
        if times:
            slowest = max(times.values())
            figures["group_slowest_s"] = slowest
            ready = f"all {GROUP}" if len(times) == GROUP else f"{len(times)} of {GROUP}"
            print(
                f"  {GROUP} learners signing in at once: {ready} ready after {wall:6.1f} s "
                f"(slowest {slowest:.1f} s, fastest {min(times.values()):.1f} s)"
            )
        for name, error in sorted(errors.items()):
            print(f"    {name}: no ready server ({error})")
        if NAMES[1] in times:
            one = _learner_memory(learners.system_name(NAMES[1])).get("Jupyter server", (0, 0))[0]
            print(f"  a Jupyter server alone (no kernel yet), for comparison: {one / 2**20:6.0f} MiB RSS")
    return figures


if __name__ == "__main__":
    from bench.run import isolate

    isolate()
    run()
