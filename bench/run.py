"""`make bench`: prints figures (never pass/fail). Ratios compare against a baseline measured in the same run.

Runs in a throw-away state folder with the same isolation as the tests (no route to real AWS).
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def isolate() -> Path:
    from conftest import isolate_environment

    run_dir = Path(tempfile.mkdtemp(prefix="aml-bench-"))
    isolate_environment(run_dir)
    # The Run-All figures are the whole lesson applied, as the tests run it (forms apply themselves).
    os.environ["AML_WALKTHROUGH_AUTO"] = "1"
    return run_dir


def notebooks_vs_bare_kernels() -> dict:
    """Execute every notebook headless in order vs. starting and stopping the same number of bare kernels."""
    import nbformat
    from jupyter_client.manager import start_new_kernel
    from nbclient import NotebookClient

    from helpers.sandbox import scenarios

    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    scenarios.reset("new-account")
    Path(os.environ["AML_WALKTHROUGH_HOME"], "account.json").unlink(missing_ok=True)
    per_notebook = {}
    started = time.perf_counter()
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        t0 = time.perf_counter()
        NotebookClient(
            nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        ).execute()
        per_notebook[path.stem] = time.perf_counter() - t0
    lesson = time.perf_counter() - started
    t0 = time.perf_counter()
    for _ in paths:
        km, kc = start_new_kernel(kernel_name="python3")
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    floor = time.perf_counter() - t0
    return {"notebooks": len(paths), "lesson_s": lesson, "bare_kernels_s": floor, "per_notebook_s": per_notebook}


def main() -> int:
    run_dir = isolate()
    from helpers.sandbox import server

    print(f"make bench  (state: {run_dir})\n")
    figures: dict[str, dict] = {}
    for name in (
        "setup_bench",
        "prose_bench",
        "sandbox_bench",
        "persistence_bench",
        "users_bench",
        "status_bench",
        "memory_bench",
        "hub_bench",
    ):
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError:
            continue
        print(f"== {name} ==", flush=True)
        figures[name] = module.run()
        print()
    print("== notebooks ==", flush=True)
    server.start()
    nb = notebooks_vs_bare_kernels()
    for stem, seconds in nb["per_notebook_s"].items():
        print(f"  {stem:<28} {seconds:6.2f} s")
    print(
        f"  all {nb['notebooks']} notebooks headless: {nb['lesson_s']:.2f} s; "
        f"{nb['notebooks']} bare kernels started+stopped: {nb['bare_kernels_s']:.2f} s; "
        f"ratio {nb['lesson_s'] / nb['bare_kernels_s']:.2f}x"
    )
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
