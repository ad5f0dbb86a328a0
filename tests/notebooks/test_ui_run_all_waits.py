"""Issue 13, done-when: Run All of notebook 02 in the practice account without AML_WALKTHROUGH_AUTO shows the
form and changes nothing; with AML_WALKTHROUGH_AUTO=1 the same Run All creates AML@Packt."""

from __future__ import annotations

import json

import pytest

from tests import lesson_support as ls

NOTEBOOK = ls.ROOT / "notebooks" / "02-create-aml-packt.ipynb"


@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    with ls.practice(tmp_path_factory.mktemp("run-all-waits") / "state", at="02") as practice:
        yield practice


def start_at_02(lesson) -> None:
    lesson.reset(at="02")
    (lesson.home / "account.json").write_text(json.dumps({"source": "sandbox", "profile": "root-keys"}))


def test_run_all_without_auto_shows_the_plan_and_changes_nothing_then_auto_applies(lesson, monkeypatch):
    start_at_02(lesson)
    before = ls.iam_snapshot(lesson)
    monkeypatch.delenv("AML_WALKTHROUGH_AUTO", raising=False)
    nb = ls.run_notebook(NOTEBOOK, lesson)
    assert ls.errors_of(nb) == []
    shown = ls.widget_texts(nb)
    assert "press Apply" in shown and "Create" in shown  # the plan and the waiting line are on the page
    assert ls.iam_snapshot(lesson) == before and "AML@Packt" not in before["users"]
    monkeypatch.setenv("AML_WALKTHROUGH_AUTO", "1")
    nb = ls.run_notebook(NOTEBOOK, lesson)
    assert ls.errors_of(nb) == []
    assert "AML@Packt" in ls.iam_snapshot(lesson)["users"]
    assert "Created user AML@Packt." in ls.widget_texts(nb)
