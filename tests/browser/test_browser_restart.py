"""Issue 13.6: after a kernel restart in JupyterLab, a lesson cell says to run the first cell again (no traceback)."""

import time

import pytest

from helpers.kernel_hooks import RESTART_SENTENCE
from tests.browser_support import IDLE, browser_page, open_notebook, require_browser, running_lab, screenshot

pytestmark = pytest.mark.browser

NOTEBOOK = "02-create-aml-packt.ipynb"


def _cell(page, text: str):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell", has_text=text).first


def _run_cell(page, text: str) -> None:
    _cell(page, text).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


def _wait_prompt(page, text: str, timeout: float = 90) -> str:
    prompt = _cell(page, text).locator(".jp-InputArea-prompt")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = prompt.inner_text().strip()
        if shown not in ("[ ]:", "[*]:", ""):
            page.get_by_text(IDLE).first.wait_for()
            return shown
        time.sleep(0.3)
    raise AssertionError(f"the cell {text!r} did not run: {prompt.inner_text()!r}")


def test_a_cell_after_a_kernel_restart_says_to_run_the_first_cell(tmp_path):
    require_browser()
    with running_lab(tmp_path) as lab, browser_page() as page:
        open_notebook(page, lab, NOTEBOOK)
        _run_cell(page, "import helpers as aml")
        _wait_prompt(page, "import helpers as aml")

        page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel…").first.click()
        page.locator(".jp-Dialog-button.jp-mod-accept").first.click()
        time.sleep(1)  # the status bar leaves Idle while the kernel restarts
        page.get_by_text(IDLE).first.wait_for(timeout=90_000)

        _run_cell(page, "aml.users.switch()")
        _wait_prompt(page, "aml.users.switch()")
        said = _cell(page, "aml.users.switch()").locator(".jp-OutputArea").inner_text()
        screenshot(page, "restart-hint")
        assert said.strip() == RESTART_SENTENCE.replace("`", "")  # `aml` shown as code
        assert "Traceback" not in said and "NameError" not in said
