"""Notebook 02 bench: API calls and time for the full set-up, and for a re-run that changes nothing.

Runs against the practice account (reset to the start of notebook 02), acting as the root
user's profile exactly as the notebook does. Calls are counted with a botocore
``before-call`` hook on the session, split into reads (Get*/List*) and writes.
Figures only, never pass/fail. Goal: the no-op re-run makes only read calls.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

READ_PREFIXES = ("Get", "List", "Describe")


def _counted_session(files, profile: str):
    from helpers import aws

    session = aws.make_session(files, profile)
    calls: Counter = Counter()

    def count(model, **_):
        calls[f"{model.service_model.service_name}:{model.name}"] += 1

    session.events.register("before-call", count)
    return session, calls


def _split(calls: Counter) -> tuple[int, int]:
    reads = sum(n for op, n in calls.items() if op.split(":", 1)[1].startswith(READ_PREFIXES))
    return reads, sum(calls.values()) - reads


def _measure(files, apply: bool) -> dict:
    from helpers import users

    session, calls = _counted_session(files, users.ROOT_PROFILE)
    t0 = time.perf_counter()
    plan = users.setup_plan(session, files)
    result = users.apply_plan(session, plan, files) if apply or not plan.empty else None
    seconds = time.perf_counter() - t0
    reads, writes = _split(calls)
    return {
        "seconds": round(seconds, 3),
        "calls": sum(calls.values()),
        "reads": reads,
        "writes": writes,
        "changes": len(plan.changes),
        "ok": result is None or result.ok,
        "by_operation": dict(sorted(calls.items())),
    }


def run() -> dict:
    """Full apply, then a no-op re-run, in the practice account; prints and returns the figures."""
    from helpers.sandbox import scenarios, server
    from helpers.sandbox.source import SandboxAccount

    started_here = server.status() is None
    scenarios.reset(at="02")
    try:
        files = SandboxAccount().files()
        full = _measure(files, apply=True)
        again = _measure(files, apply=False)
    finally:
        scenarios.reset("new-account")
        if started_here:
            server.stop()
    for label, fig in (("full apply", full), ("no-op re-run", again)):
        print(
            f"  {label:<13} {fig['seconds']:6.3f} s  {fig['calls']:3d} calls "
            f"({fig['reads']} reads, {fig['writes']} writes), {fig['changes']} changes planned"
        )
    print(f"  no-op re-run makes only reads: {again['writes'] == 0 and again['changes'] == 0}")
    return {"full_apply": full, "noop_rerun": again}


if __name__ == "__main__":
    import tempfile

    from conftest import isolate_environment

    isolate_environment(Path(tempfile.mkdtemp(prefix="aml-bench-users-")))
    run()
