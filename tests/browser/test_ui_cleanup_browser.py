"""06-clean-up in JupyterLab under AML_WALKTHROUGH_AUTO: Run All shows the final card and the teardown happen."""

from __future__ import annotations

import time

import pytest

from tests.browser_support import browser_page, open_notebook, require_browser, run_all, running_lab, screenshot

pytestmark = pytest.mark.browser
NAME = "06-clean-up.ipynb"


def _prepare(lab, monkeypatch) -> None:
    """The learner's account at the start of notebook 06, acting as AML@Packt."""
    from helpers import account
    from helpers.sandbox import scenarios

    monkeypatch.setenv("AML_WALKTHROUGH_HOME", str(lab.state))
    scenarios.reset(at="06", home=lab.state)
    account.choose_account("sandbox", "aml-packt")


def test_clean_up_runs_in_the_browser(tmp_path, monkeypatch):
    require_browser()
    started = time.monotonic()
    with running_lab(tmp_path, auto=True) as lab, browser_page() as page:
        _prepare(lab, monkeypatch)
        open_notebook(page, lab, NAME)
        run_all(page)
        notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
        assert "secured, ready for notebooks 05" in notebook.locator(".aml-progress-here").inner_text()
        card = notebook.locator(".aml-status-card").first
        card.wait_for()
        assert "5 of 5 done" in card.inner_text()
        form = notebook.locator(".aml-cleanup-form")
        out = form.locator(".aml-confirm-out")
        out.wait_for()
        assert "Deleted user AML@Packt." in out.inner_text()
        assert "Removed profile aml-packt" in out.inner_text()
        assert "AML@Packt and its profile are gone" in notebook.inner_text()
        # Planning again finds nothing left to remove.
        form.locator("button.aml-cleanup-plan").click()
        form.locator(".aml-confirm-empty").wait_for()
        assert "nothing to change" in form.locator(".aml-confirm-empty").inner_text()
        shot = screenshot(page, "06-clean-up")
    assert shot.stat().st_size > 10_000
    print(f"\nbrowser 06-clean-up: {time.monotonic() - started:.1f} s, screenshot {shot}")
