"""The room board (helpers.room): rows read as each learner, a per-learner reset that touches no one else.

The parsing and the table are plain functions. The room itself needs root (it creates two Unix
users, jupyter-amltest-room-a and -b, like the hub does, and removes them at the end with userdel -r).
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from helpers.room import board, learners

A, B = "amltest-room-a", "amltest-room-b"


def test_a_probe_answer_is_checked_field_by_field():
    row = board.parse_probe("x", '{"up": true, "stage": "done", "evidence": "Root MFA is on.", "active": 5}')
    assert (row.up, row.stage, row.ready_for(), row.active) == (True, "done", "done (cleaned up)", 5.0)
    forged = board.parse_probe("x", '{"up": "yes", "stage": "99; rm -rf /", "evidence": 3, "active": -1}')
    assert (forged.up, forged.stage, forged.evidence, forged.active, forged.ready_for()) == (False, "", "", 0.0, "-")
    assert board.parse_probe("x", "Traceback ...\nnot json").up is None
    assert board.parse_probe("x", '{"up": false, "active": 0}').ready_for() == "-"
    long = board.parse_probe("x", json.dumps({"up": True, "error": "02: ValueError:\n" + "y" * 500}))
    assert long.error.startswith("02: ValueError: y") and len(long.error) == 160 and "\n" not in long.error


def test_the_table_has_one_row_per_learner():
    now = 10_000.0
    rows = [
        board.Row("alice", True, "03", "", now - 30, "02: NoSuchEntity: The user does not exist."),
        board.Row("bob", False, "05", "", now - 600),
        board.Row("carol", True, "done", "", 0.0),
    ]
    lines = board.table(rows, now=now).splitlines()
    assert lines[0].split()[:3] == ["learner", "ready", "for"]
    assert lines[1].split()[:4] == ["alice", "03", "up", "just"]
    assert lines[1].endswith("02: NoSuchEntity: The user does not exist.")
    assert lines[2].split()[:4] == ["bob", "05/06", "down", "10"]
    assert lines[3].split()[:5] == ["carol", "done", "(cleaned", "up)", "up"] and lines[3].endswith("never")
    assert "no learner" in board.table([])


def test_put_at_refuses_bad_notebooks_and_strangers():
    with pytest.raises(ValueError):
        board.put_at("anyone", "7")
    with pytest.raises(LookupError):
        board.put_at("amltest-nobody-here", "03")


def _remove(names):
    for name in names:
        try:
            uid = pwd.getpwnam(name).pw_uid
        except KeyError:
            continue
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if entry.stat().st_uid == uid:
                        os.kill(int(entry.name), signal.SIGKILL)
                except (OSError, ProcessLookupError):
                    pass
        time.sleep(0.2)
        subprocess.run(["userdel", "-r", name], capture_output=True, check=False)


@pytest.fixture
def room():
    if os.geteuid() != 0 or not shutil.which("useradd"):
        if os.environ.get("CI"):
            pytest.fail("CI runs as root with useradd: the room test must run there")
        pytest.skip("the room creates Unix users: run as root")
    names = [learners.system_name(n) for n in (A, B)]
    _remove(names)
    group_existed = learners.GROUP in {g.gr_name for g in grp.getgrall()}
    opened = {path: path.stat().st_mode for path in learners.private_dirs_on_the_way(learners.lesson_paths())}
    for path, mode in opened.items():
        os.chmod(path, mode | 0o001)
    try:
        for name in names:
            learners.ensure_user(name)
        yield names
    finally:
        _remove(names)
        if not group_existed:
            subprocess.run(["groupdel", learners.GROUP], capture_output=True, check=False)
        for path, mode in opened.items():
            os.chmod(path, mode)


def _pid(unix_name: str) -> int:
    server_json = Path(pwd.getpwnam(unix_name).pw_dir) / learners.STATE / "sandbox" / "server.json"
    return int(json.loads(server_json.read_text())["pid"])


def test_the_board_reads_each_learner_and_a_reset_moves_only_one(room):
    a, b = room
    assert {a, b} <= set(learners.room_users())
    board.put_at(A, "03")
    board.put_at(b, "06")  # a learner may be named either way
    rows = {row.learner: row for row in board.read_room()}
    assert (rows[A].up, rows[A].stage) == (True, "03")
    assert (rows[B].up, rows[B].stage, rows[B].ready_for()) == (True, "05", "05/06")
    assert rows[A].active > 0
    for name in (a, b):  # each practice account runs as its learner
        assert Path(f"/proc/{_pid(name)}").stat().st_uid == pwd.getpwnam(name).pw_uid
    b_pid, b_state = _pid(b), rows[B]
    board.put_at(A, "04")
    assert board.read_row(a).stage == "04"
    assert _pid(b) == b_pid and board.read_row(b).stage == b_state.stage  # bob untouched
    # The last error in the notebook alice saved last shows on her row.
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "outputs": [
                    {
                        "output_type": "error",
                        "ename": "AccessDenied",
                        "evalue": "AML@Packt may not do that.",
                        "traceback": [],
                    }
                ],
            }
        ],
        "nbformat": 4,
    }
    write = (
        "import sys, pathlib; pathlib.Path('notebooks').mkdir(exist_ok=True); "
        "pathlib.Path('notebooks/03-delete-root-keys.ipynb').write_text(sys.argv[1])"
    )
    assert learners.run_as(a, [learners.learner_python(), "-c", write, json.dumps(notebook)]).returncode == 0
    assert board.read_row(a).error == "03-delete-root-keys: AccessDenied: AML@Packt may not do that."
    assert board.read_row(b).error == ""

    # Bob finishes the lesson and cleans up: the board says done, not "ready for 01" like a beginner.
    teardown = "from helpers.cleanup import notebook; assert notebook.teardown().ok"
    finished = learners.run_as(b, [learners.learner_python(), "-c", teardown], timeout=180)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert board.read_row(b).ready_for() == "done (cleaned up)"
    assert board.read_row(a).stage == "04"
    # A stopped practice account shows as down, and reading the board does not start it.
    learners.run_as(a, [learners.learner_python(), "-m", "helpers.sandbox", "stop"])
    assert board.read_row(a).up is False
    assert board.read_row(a).up is False
