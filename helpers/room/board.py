"""The room board: one row per learner on the workshop hub, read as that learner (never as root).

For each Unix user the hub created (group aml-learners), :func:`read_row` runs a short probe *as that
learner* (helpers.room.learners.run_as): is their practice account up (the account source's
``running`` hook, see helpers.sources.PracticeHooks), which notebook their account is ready for
(helpers.progress, with "done" after the clean-up), when their notebooks or state last changed, and
the last error in the notebook they saved last. The probe's answer is checked field by field: a
learner can at most garble their own row. :func:`put_at` puts one learner at the start of notebook
NN, as that learner, through the source's ``reset_to`` hook, touching no one else.
Plain functions, no widgets: ``python -m helpers.room`` prints the board.
"""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from helpers.room import learners

# Run as the learner, with their HOME and state folder. It reads the account only when the practice
# account is already up (reading would otherwise start one for a learner who went home).
PROBE = r"""
import json, os
from pathlib import Path
home = Path.home()
newest = 0.0
for folder in (home / "notebooks", Path(os.environ["AML_WALKTHROUGH_HOME"])):
    try:
        newest = max([newest, *(p.stat().st_mtime for p in folder.iterdir())])
    except OSError:
        pass
from helpers.sources import practice_source
running = getattr(practice_source(), "running", None)
up = bool(callable(running) and running())
row = {"up": up, "active": newest}
# The last error shown in the notebook saved most recently (JupyterLab saves every two minutes).
saved = sorted((home / "notebooks").glob("*.ipynb"), key=lambda p: p.stat().st_mtime)
if saved:
    try:
        cells = json.loads(saved[-1].read_text())["cells"]
        errors = [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            row["error"] = f"{saved[-1].stem}: {errors[-1].get('ename', '')}: {errors[-1].get('evalue', '')}"
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
if up:
    from helpers import progress
    here = progress.you_are_here()
    row.update(stage=here.stage, evidence=here.evidence)
print(json.dumps(row))
"""

# Run as the learner: their practice account as at the start of notebook argv[1], through the account
# source's reset_to hook; one sentence back, or the reason on stderr.
PUT = r"""
import sys
from helpers.errors import WalkthroughError
from helpers.sources import practice_source
try:
    source = practice_source()
    if source is None:
        raise WalkthroughError("This learner's lesson has no practice account to reset.")
    print(source.reset_to(sys.argv[1]))
except WalkthroughError as exc:
    print(exc, file=sys.stderr)
    sys.exit(1)
"""

STAGES = {"01", "02", "03", "04", "05", "06", "done"}


@dataclass(frozen=True)
class Row:
    """One learner on the board."""

    learner: str  # the hub's name (jupyter- removed)
    up: bool | None  # practice account running; None when the probe failed
    stage: str  # "01".."06", "done", or "" when unknown
    evidence: str
    active: float  # newest change in their notebooks or state folder (epoch seconds), 0 if none
    error: str = ""  # the last error output in their most recently saved notebook

    def ready_for(self) -> str:
        if self.stage == "done":
            return "done (cleaned up)"
        if self.stage == "05":
            return "05/06"
        return self.stage or "-"


def parse_probe(learner: str, stdout: str) -> Row:
    """A Row from the probe's last line, each field checked (a learner controls what their probe prints)."""
    try:
        data = json.loads(stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return Row(learner, None, "", "The learner's state could not be read.", 0.0)
    if not isinstance(data, dict):
        return Row(learner, None, "", "The learner's state could not be read.", 0.0)
    stage = data.get("stage") if data.get("stage") in STAGES else ""
    evidence = data.get("evidence") if isinstance(data.get("evidence"), str) else ""
    active = data.get("active")
    error = data.get("error") if isinstance(data.get("error"), str) else ""
    return Row(
        learner,
        data.get("up") is True,
        stage,
        evidence[:200],
        float(active) if isinstance(active, (int, float)) and active >= 0 else 0.0,
        " ".join(error.split())[:160],
    )


def read_row(unix_name: str, timeout: float = 60) -> Row:
    """One learner's row, read by a probe running as them."""
    learner = unix_name.removeprefix(learners.PREFIX)
    try:
        done = learners.run_as(unix_name, [learners.learner_python(), "-c", PROBE], timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - one learner's failure must not hide the room
        return Row(learner, None, "", f"Could not read this learner ({type(exc).__name__}).", 0.0)
    return parse_probe(learner, done.stdout)


def read_room(workers: int = 4) -> list[Row]:
    """Every learner's row (a few probes at a time: each is a short Python run as that learner)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(read_row, learners.room_users()))


def ago(seconds_since_epoch: float, now: float | None = None) -> str:
    """ "3 min ago"-style text for a time; "never" for 0."""
    if not seconds_since_epoch:
        return "never"
    minutes = int(((now or time.time()) - seconds_since_epoch) // 60)
    return "just now" if minutes < 1 else f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"


def table(rows: list[Row], now: float | None = None) -> str:
    """The board as plain text: learner, ready for, practice account, last activity, last error."""
    lines = [f"{'learner':<24} {'ready for':<18} {'practice account':<17} {'last activity':<14} last error"]
    for row in rows:
        up = "up" if row.up else "down" if row.up is False else "unknown"
        lines.append(
            f"{row.learner:<24} {row.ready_for():<18} {up:<17} {ago(row.active, now):<14} {row.error}".rstrip()
        )
    if not rows:
        lines.append("(no learner has signed in yet)")
    return "\n".join(lines)


def unix_name_of(learner: str) -> str:
    """The Unix user of a learner named as on the hub or as ``jupyter-<name>``; only the room's users."""
    name = learner if learner.startswith(learners.PREFIX) else learners.system_name(learner)
    if name not in learners.room_users():
        raise LookupError(f"There is no learner {learner!r} in this room: `python -m helpers.room` lists them.")
    return name


def put_at(learner: str, notebook: str, timeout: float = 120) -> str:
    """Put one learner's practice account at the start of *notebook*, as that learner; their answer."""
    nn = str(notebook).strip().zfill(2)
    if not re.fullmatch(r"0[0-6]", nn):
        raise ValueError(f"Choose a notebook from 00 to 06, not {notebook!r}.")
    done = learners.run_as(
        unix_name_of(learner),
        [learners.learner_python(), "-c", PUT, nn],
        timeout=timeout,
    )
    said = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise RuntimeError(said or f"Resetting {learner} failed (exit {done.returncode}).")
    return said
