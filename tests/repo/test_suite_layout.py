"""The suite's layout rules: tests in folders, helpers in support modules, the xdist work units (conftest.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import LESSON_UNIT, is_xdist_controller, work_unit

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"


def test_no_test_module_imports_another_test_module():
    """Shared helpers and fixtures live in tests/*_support.py, tests/fakes.py or a folder's conftest.py."""
    offenders = []
    for path in sorted(TESTS.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [alias.name for alias in node.names]
                if any(name.split(".")[-1].startswith("test_") for name in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            elif isinstance(node, ast.Import):
                if any(alias.name.split(".")[-1].startswith("test_") for alias in node.names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_test_modules_sit_in_folders_and_support_modules_at_the_top():
    assert [p.name for p in TESTS.glob("test_*.py")] == []
    assert sorted(p.name for p in TESTS.glob("*.py") if p.name != "__init__.py") == sorted(
        p.name for p in TESTS.glob("*.py") if p.name.endswith("_support.py") or p.name == "fakes.py"
    )


def test_every_notebook_cell_is_one_work_unit_and_other_tests_go_by_module():
    cells = ["notebooks/00-start-here.ipynb::Cell 0", "notebooks/06-clean-up.ipynb::Cell 12"]
    assert {work_unit(c) for c in cells} == {LESSON_UNIT}
    assert work_unit("tests/core/test_account.py::test_x") == "tests/core/test_account.py"
    assert work_unit("tests/core/test_bad_input_corpus.py::test_y[a]") == "tests/core/test_bad_input_corpus.py"
    # The room and hub tests share a Unix group: one unit.
    assert work_unit("tests/room/test_room.py::test_a") == work_unit("tests/room/test_jupyterhub.py::test_b")
    # Long tests that share nothing go one by one.
    one = "tests/browser/test_browser_lesson.py::test_lesson"
    assert work_unit(one) == one
    two = "tests/notebooks/test_routes.py::test_todays_way"
    assert work_unit(two) == two


def test_only_the_xdist_controller_skips_the_practice_account():
    class Option:
        numprocesses = 4

    class Controller:
        option = Option()

    class Worker(Controller):
        workerinput = {"workerid": "gw0"}

    class Plain:
        class option:  # noqa: N801  (pytest's namespace)
            numprocesses = None

    assert is_xdist_controller(Controller()) is True
    assert is_xdist_controller(Worker()) is False
    assert is_xdist_controller(Plain()) is False
