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


def _bare_kernels(count: int) -> float:
    """Seconds to start (until it answers) and stop *count* kernels of the lesson's kernel spec, doing nothing."""
    from jupyter_client.manager import start_new_kernel

    t0 = time.perf_counter()
    for _ in range(count):
        km, kc = start_new_kernel(kernel_name="python3")
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return time.perf_counter() - t0


def _run_all(paths: list[Path], cells: dict[str, list[tuple[float, str]]] | None = None) -> tuple[float, dict]:
    """Run All of every notebook in order on a fresh practice account (the reset is not timed).

    Returns (seconds for all, seconds per notebook); each code cell's seconds go into *cells* if given.
    """
    import nbformat
    from nbclient import NotebookClient

    from helpers.sandbox import scenarios

    scenarios.reset("new-account")
    Path(os.environ["AML_WALKTHROUGH_HOME"], "account.json").unlink(missing_ok=True)
    per_notebook = {}
    started = time.perf_counter()
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        t0 = time.perf_counter()
        NotebookClient(
            nb,
            timeout=180,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
            # Stopped as the bare kernels are (a Run All in JupyterLab stops no kernel at all).
            shutdown_kernel="immediate",
        ).execute()
        per_notebook[path.stem] = time.perf_counter() - t0
        if cells is not None:
            cells[path.stem] = [(_cell_seconds(cell), cell.source) for cell in nb.cells if cell.cell_type == "code"]
    return time.perf_counter() - started, per_notebook


def _cell_seconds(cell) -> float:
    from datetime import datetime

    timing = cell.metadata.get("execution", {})
    try:
        start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return float("nan")
    return (end - start).total_seconds()


def notebooks_vs_bare_kernels(rounds: int = 1, show_cells: bool = False) -> dict:
    """Run All of every notebook headless in order vs. starting and stopping as many bare kernels.

    Both use the lesson's kernel spec (``python3`` from helpers/kernelspec, which loads helpers.kernel_hooks),
    so the ratio is what the lesson's own cells cost. With *rounds* > 1 the two alternate (the machine is
    shared and noisy) and the medians are reported.
    """
    import compileall
    from statistics import median

    # Bytecode for helpers/ as a learner's kernels have it after the first import (site-packages has its
    # own already); otherwise, with PYTHONDONTWRITEBYTECODE set, every kernel would compile it again.
    compileall.compile_dir(ROOT / "helpers", quiet=1)
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    lessons, floors, runs, cpu = [], [], [], {"lesson": [], "bare": []}
    cells: dict[str, list[tuple[float, str]]] = {}
    for _ in range(rounds):
        before = _cpu_seconds()
        floors.append(_bare_kernels(len(paths)))
        middle = _cpu_seconds()
        seconds, per_notebook = _run_all(paths, cells if show_cells else None)
        lessons.append(seconds)
        runs.append(per_notebook)
        cpu["bare"].append(middle - before)
        cpu["lesson"].append(_cpu_seconds() - middle)
    per_notebook = {path.stem: median(run[path.stem] for run in runs) for path in paths}
    return {
        "notebooks": len(paths),
        "lesson_s": median(lessons),
        "bare_kernels_s": median(floors),
        "per_notebook_s": per_notebook,
        "rounds": rounds,
        "cells": cells,
        "cpu_lesson_s": median(cpu["lesson"]),
        "cpu_bare_s": median(cpu["bare"]),
    }


def _cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (the kernels): steadier than wall time when shared."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_all_figures(rounds: int = 1, show_cells: bool = False) -> dict:
    """Print the Run All figures (the practice account must be running)."""
    nb = notebooks_vs_bare_kernels(rounds, show_cells)
    for stem, seconds in nb["per_notebook_s"].items():
        print(f"  {stem:<28} {seconds:6.2f} s")
        for seconds_in_cell, source in nb["cells"].get(stem, []):
            first = source.strip().splitlines()[0][:70] if source.strip() else ""
            print(f"      {seconds_in_cell:6.2f} s  {first}")
    medians = " (medians of {} alternating rounds)".format(nb["rounds"]) if nb["rounds"] > 1 else ""
    print(
        f"  all {nb['notebooks']} notebooks headless: {nb['lesson_s']:.2f} s; "
        f"{nb['notebooks']} bare kernels started+stopped: {nb['bare_kernels_s']:.2f} s; "
        f"ratio {nb['lesson_s'] / nb['bare_kernels_s']:.2f}x{medians}"
    )
    print(
        f"  CPU seconds (kernels and this process, not the practice account's server): Run All "
        f"{nb['cpu_lesson_s']:.2f} s, bare kernels {nb['cpu_bare_s']:.2f} s, "
        f"ratio {nb['cpu_lesson_s'] / nb['cpu_bare_s']:.2f}x"
    )
    return nb


PARTS = (
    "setup_bench",
    "prose_bench",
    "sandbox_bench",
    "persistence_bench",
    "users_bench",
    "status_bench",
    "memory_bench",
    "hub_bench",
)

USAGE = """usage: python bench/run.py [PART ...] [--rounds N] [--cells]

PART: runall (the notebooks' Run All vs bare kernels) or a module name without _bench (setup, prose, sandbox,
persistence, users, status, memory, hub); none = everything, as `make bench`.
--rounds N  Run All and bare kernels alternate N times; medians are printed (the machine may be shared).
--cells     also print each code cell's seconds (from nbclient's timing), to see where Run All spends."""


def _arguments(argv: list[str]) -> tuple[list[str], bool, int, bool]:
    """(bench modules to run, whether to run the notebooks, rounds, per-cell figures)."""
    rounds, cells, wanted = 1, False, []
    args = iter(argv)
    for arg in args:
        if arg == "--rounds":
            rounds = int(next(args))
        elif arg == "--cells":
            cells = True
        elif arg in ("-h", "--help"):
            raise SystemExit(USAGE)
        elif arg in ("runall", "notebooks") or f"{arg}_bench" in PARTS or arg in PARTS:
            wanted.append(arg)
        else:
            raise SystemExit(f"unknown part {arg!r}\n{USAGE}")
    if not wanted:
        return list(PARTS), True, rounds, cells
    modules = [name for name in PARTS if name in wanted or name.removesuffix("_bench") in wanted]
    return modules, any(arg in ("runall", "notebooks") for arg in wanted), rounds, cells


def main(argv: list[str] | None = None) -> int:
    modules, notebooks, rounds, cells = _arguments(sys.argv[1:] if argv is None else argv)
    run_dir = isolate()
    from helpers.sandbox import server

    print(f"make bench  (state: {run_dir})\n")
    figures: dict[str, dict] = {}
    for name in modules:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError:
            continue
        print(f"== {name} ==", flush=True)
        figures[name] = module.run()
        print()
    if not notebooks:
        return 0
    print("== notebooks ==", flush=True)
    server.start()
    try:
        figures["notebooks"] = run_all_figures(rounds, cells)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
