"""Issue 15: every code cell of every notebook, under every bad state, prints a sentence and never a traceback.

Each state gets its own state folder and practice account (``lesson_support.practice``), stopped and
removed afterwards, so nothing here touches the suite's shared practice account or the lesson's
account choice. The notebooks are read as they are now; all their code cells run, in file order, in
one kernel per state (errors allowed), without ``AML_WALKTHROUGH_TRACEBACKS`` (so the cells' guard
is on) and without ``AML_WALKTHROUGH_AUTO`` (so forms wait for a click, as for a learner).
"""

from __future__ import annotations

import configparser
import contextlib
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.lesson_support import NOTEBOOKS, Practice, practice

IMPORT_CELL = re.compile(r"^\s*import helpers as aml\s*$")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|-{5,}> \d|\x1b\[0;31m-{5}|^\s*File \".*\", line \d+", re.M)
CELL_TIMEOUT = 60


@dataclass
class Cell:
    notebook: str
    index: int
    source: str


def code_cells(skip_import: bool = False) -> list[Cell]:
    """Every notebook's code cells in order; a cell whose source an earlier notebook already ran is run once.

    (``aml.status.card()`` heads every notebook: in one kernel and one state it says the same each time.)
    """
    cells, seen = [], set()
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            source = cell.source.strip()
            if cell.cell_type != "code" or not source or source in seen:
                continue
            if skip_import and IMPORT_CELL.match(source):
                continue
            seen.add(source)
            cells.append(Cell(path.name, i, cell.source))
    return cells


def run_cells(
    cells: list[Cell], env: dict[str, str], replies: list[str] | None = None
) -> list[tuple[Cell, list[dict]]]:
    """All *cells* in one kernel (the notebooks' folder as working directory), errors allowed.

    *replies* receives each cell's execute-reply status ("ok" or "error": JupyterLab's Run All stops at an error).
    """
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c.source) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        allow_errors=True,
        store_widget_state=False,
        resources={"metadata": {"path": str(NOTEBOOKS[0].parent)}},
    )
    if replies is not None:
        client.on_cell_executed = lambda cell, cell_index, execute_reply: replies.append(
            execute_reply["content"]["status"]
        )
    client.execute(env=env)
    return [(cell, list(ran.get("outputs", []))) for cell, ran in zip(cells, nb.cells, strict=True)]


def output_text(out: dict) -> str:
    parts = [out.get("text", "") or "", str(out.get("evalue", "")), "\n".join(out.get("traceback", []) or [])]
    parts += [str(v) for v in (out.get("data") or {}).values()]
    return "\n".join(parts)


def problems(results: list[tuple[Cell, list[dict]]]) -> list[str]:
    found = []
    for cell, outputs in results:
        where = f"{cell.notebook} cell {cell.index} `{cell.source.strip()[:60]}`"
        for out in outputs:
            text = output_text(out)
            if out.get("output_type") == "error":
                found.append(f"{where}: raised {out.get('ename')}: {out.get('evalue')}")
            elif TRACEBACK.search(text):
                found.append(f"{where}: printed a traceback: {text[:300]!r}")
            elif "Unexpected problem" in text:
                found.append(f"{where}: no sentence for this failure: {text[:300]!r}")
    return found


def all_text(results) -> str:
    return "\n".join(output_text(out) for _, outs in results for out in outs)


def kernel_env(p: Practice | None, home: Path, **extra: str) -> dict[str, str]:
    if p is not None:
        env = p.env()
    else:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AML_WALKTHROUGH_"))}
        env["AML_WALKTHROUGH_HOME"] = str(home / "state")
    env["HOME"] = str(home)
    env.pop("AML_WALKTHROUGH_TRACEBACKS", None)  # the cells' guard is what this test checks
    env.pop("AML_WALKTHROUGH_AUTO", None)  # forms wait for a click, as for a learner
    env.update(extra)
    return env


# --- the states: each gets a practice account at the start of notebook 03 unless it says otherwise ---


def _active_profile(p: Practice) -> str:
    import json

    return json.loads((p.home / "account.json").read_text())["profile"]


def no_profile(p: Practice, home: Path) -> dict[str, str]:
    """Notebook 01 skipped (or after a teardown): nothing chosen, no profile active."""
    (p.home / "account.json").unlink(missing_ok=True)
    return {}


def profile_removed(p: Practice, home: Path) -> dict[str, str]:
    """The active profile was deleted from the AWS files by hand."""
    profile = _active_profile(p)
    for path, section in ((p.paths.config, f"profile {profile}"), (p.paths.credentials, profile)):
        parser = configparser.RawConfigParser()
        parser.read(path)
        parser.remove_section(section)
        with open(path, "w") as handle:
            parser.write(handle)
    return {}


def duplicate_section(p: Practice, home: Path) -> dict[str, str]:
    """The credentials file holds a section twice (a paste gone wrong)."""
    profile = _active_profile(p)
    with open(p.paths.credentials, "a") as handle:
        handle.write(f"\n[{profile}]\naws_access_key_id = AKIAEXAMPLEEXAMPLE12\n")
    return {}


def binary_config(p: Practice, home: Path) -> dict[str, str]:
    """The config file was overwritten with binary junk."""
    p.paths.config.write_bytes(bytes(range(256)) * 4)
    return {}


def practice_stopped(p: Practice, home: Path) -> dict[str, str]:
    """`make stop` or `python -m helpers.sandbox stop`: the next cell starts it again (or says why not)."""
    from helpers.sandbox import server

    server.stop(home=p.home)
    return {}


def practice_unstartable(p: Practice, home: Path) -> dict[str, str]:
    """The server process was killed, and it cannot start again (its log file cannot be opened)."""
    import json

    data = json.loads(p.paths.server_json.read_text())
    os.kill(int(data["pid"]), signal.SIGKILL)
    log = p.paths.folder / "server.log"
    log.unlink(missing_ok=True)
    log.mkdir()
    return {}


def dead_proxy(p: Practice, home: Path) -> dict[str, str]:
    """Every request goes through a proxy that is down (the endpoint is not in NO_PROXY)."""
    dead = "http://127.0.0.1:9"
    return {
        "HTTPS_PROXY": dead,
        "HTTP_PROXY": dead,
        "https_proxy": dead,
        "http_proxy": dead,
        "NO_PROXY": "",
        "no_proxy": "",
    }


def low_privilege(p: Practice, home: Path) -> dict[str, str]:
    """The active profile is an IAM user with no policy at all."""
    import json

    iam = p.root_client()
    iam.create_user(UserName="no-rights")
    key = iam.create_access_key(UserName="no-rights")["AccessKey"]
    endpoint = configparser.RawConfigParser()
    endpoint.read(p.paths.config)
    url = next(endpoint[s]["endpoint_url"] for s in endpoint.sections() if endpoint.has_option(s, "endpoint_url"))
    with open(p.paths.config, "a") as handle:
        handle.write(f"\n[profile no-rights]\nregion = us-east-1\nendpoint_url = {url}\n")
    with open(p.paths.credentials, "a") as handle:
        handle.write(
            f"\n[no-rights]\naws_access_key_id = {key['AccessKeyId']}\n"
            f"aws_secret_access_key = {key['SecretAccessKey']}\n"
        )
    (p.home / "account.json").write_text(json.dumps({"source": "sandbox", "profile": "no-rights"}))
    # Notebook 02's switch() would make aml-packt active: the override keeps every cell acting as no-rights.
    return {"AML_WALKTHROUGH_PROFILE": "no-rights"}


def _make_unwritable(folder: Path) -> Callable[[], None]:
    """Make *folder* (and all below it) unwritable, even for root; return the undo."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.fail("Running as root without chattr: cannot make a folder unwritable to test that state.")
        subprocess.run(["chattr", "-R", "+i", str(folder)], check=True, capture_output=True)
        return lambda: subprocess.run(["chattr", "-R", "-i", str(folder)], check=True, capture_output=True)
    modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
    for path in modes:
        path.chmod(modes[path] & ~0o222)
    return lambda: [path.chmod(mode) for path, mode in modes.items()]


@dataclass
class State:
    name: str
    setup: Callable[[Practice, Path], dict[str, str]] | None
    expect: str  # a phrase the state's sentences must contain somewhere (the problem named)
    scenario_at: str | None = "03"
    unwritable: bool = False
    skip_import: bool = False
    shared: bool = False  # changes only the AWS files and the choice: runs in the shared account, restored after


STATES = [
    State("no-profile", no_profile, "No profile", scenario_at=None),
    State("profile-removed", profile_removed, "is not in your AWS files", shared=True),
    State("duplicate-section", duplicate_section, "appears twice", shared=True),
    State("binary-config", binary_config, "binary junk", shared=True),
    State("unwritable-state", practice_stopped, "cannot be written", unwritable=True),
    State("practice-stopped", practice_stopped, "AML@Packt"),
    State("practice-unstartable", practice_unstartable, "server.log"),
    State("dead-proxy", dead_proxy, "proxy http://127.0.0.1:9", shared=True),
    State("low-privilege", low_privilege, "not allowed"),  # adds a user to the account: its own
    State("kernel-restarted", None, "run the first cell (import helpers as aml) again", skip_import=True),
]


@pytest.fixture(scope="module")
def shared_practice(tmp_path_factory):
    """One practice account (start of notebook 03) for the states that only change files: saves a start each."""
    with practice(tmp_path_factory.mktemp("bad-states") / "state", at="03") as p:
        yield p


@contextlib.contextmanager
def restored(p: Practice):
    """Put the AWS files and the account choice back byte for byte (shared states change nothing else)."""
    saved = {path: path.read_bytes() for path in (p.paths.config, p.paths.credentials, p.home / "account.json")}
    try:
        yield
    finally:
        for path, data in saved.items():
            path.write_bytes(data)


@pytest.mark.parametrize("state", STATES, ids=[s.name for s in STATES])
def test_no_cell_raises_in_a_bad_state(state: State, tmp_path, request):
    cells = code_cells(skip_import=state.skip_import)
    assert len(cells) > 15, "the notebooks' code cells were not found"
    replies: list[str] = []
    if state.setup is None:
        results = run_cells(cells, kernel_env(None, tmp_path), replies)
    elif state.shared:
        p = request.getfixturevalue("shared_practice")
        with restored(p):
            extra = state.setup(p, tmp_path)
            results = run_cells(cells, kernel_env(p, tmp_path, **extra))
    else:
        with practice(tmp_path / "state", at=state.scenario_at) as p:
            extra = state.setup(p, tmp_path)
            undo = _make_unwritable(p.home) if state.unwritable else None
            try:
                results = run_cells(cells, kernel_env(p, tmp_path, **extra))
            finally:
                if undo:
                    undo()
    found = problems(results)
    assert not found, f"{state.name}: {len(found)} cell(s) failed badly:\n" + "\n".join(found)
    text = all_text(results)
    assert state.expect in text, f"{state.name}: no output names the problem ({state.expect!r}):\n{text[:3000]}"
    if state.skip_import:
        from helpers.kernel_hooks import RESTART_SENTENCE

        # The cell still fails (so Run All stops at the first one), but says only the sentence.
        assert replies == ["error"] * len(cells)
        # Every cell says the same sentence, and only that.
        for cell, outputs in results:
            said = "".join(o.get("text") or (o.get("data") or {}).get("text/plain", "") for o in outputs).strip()
            assert said == RESTART_SENTENCE, f"{cell.notebook} cell {cell.index}: {said[:300]!r}"
