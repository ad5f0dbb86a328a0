"""A learner opens 00-start-here in JupyterLab, runs all cells and uses the account form."""

import time

import pytest

from tests.browser_support import browser_page, open_notebook, require_browser, run_all, running_lab, screenshot

pytestmark = pytest.mark.browser


def test_start_here_runs_in_the_browser(tmp_path):
    require_browser()
    started = time.monotonic()
    with running_lab(tmp_path) as lab, browser_page() as page:
        open_notebook(page, lab, "00-start-here.ipynb")
        run_all(page)
        notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
        # The preflight table rendered, every line fine.
        table = notebook.locator(".jp-OutputArea-output table").first
        assert "boto3" in table.inner_text()
        assert "NO" not in table.inner_text().split()
        # The form rendered with the practice account chosen by default.
        form = notebook.locator(".aml-account-form")
        form.wait_for()
        checked = form.locator(".aml-account-source input[type=radio]:checked")
        assert checked.count() == 1
        assert "Practice" in form.locator(".aml-account-source label:has(input:checked)").inner_text()
        # The standing cell printed where the account stands.
        assert "No profile yet" in notebook.inner_text()
        # The learner clicks the button and sees the card.
        form.locator(".aml-account-use button, button.aml-account-use").first.click()
        card = form.locator(".aml-account-out .aml-card")
        card.wait_for()
        assert "notebook 01" in card.inner_text()
        shot = screenshot(page, "00-start-here")
    assert shot.stat().st_size > 10_000
    print(f"\nbrowser 00-start-here: {time.monotonic() - started:.1f} s, screenshot {shot}")
