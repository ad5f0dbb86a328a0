"""Notebook 05's exercise starts in a JupyterLab terminal: `python`, `aws` and the helpers must be the lesson's."""

import json
import time

import pytest

from helpers.lab_env import lesson_bin
from tests.browser_support import browser_page, require_browser, running_lab, screenshot

pytestmark = pytest.mark.browser

PROMPT_DONE = "AML-DONE"


def _terminal_text(page) -> str:
    # screenReaderMode mirrors every row into a DOM tree, whatever renderer (DOM, canvas, WebGL) draws it.
    return "\n".join(page.locator(".jp-Terminal .xterm-accessibility-tree > div").all_inner_texts())


def _run(page, command: str, timeout: float = 120) -> str:
    """Type *command* in the open terminal; wait for its end marker; return the terminal's text."""
    marker = f"{PROMPT_DONE}-{time.monotonic_ns()}"
    page.locator(".jp-Terminal .xterm-helper-textarea").first.focus()
    # The marker is built by the shell (the two halves joined), so the typed line itself never matches it.
    page.keyboard.type(f"{command}; echo {marker[:4]}''{marker[4:]}-rc=$?\n")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = _terminal_text(page)
        if f"{marker}-rc=" in text:
            assert f"{marker}-rc=0" in text, f"`{command}` failed in the terminal:\n{text[-2000:]}"
            return text
        time.sleep(0.5)
    raise AssertionError(f"`{command}` did not finish in the terminal:\n{_terminal_text(page)[-2000:]}")


def test_a_jupyterlab_terminal_runs_the_lessons_commands(tmp_path):
    require_browser()
    with running_lab(tmp_path) as lab, browser_page() as page:
        terminal_settings = tmp_path / "settings" / "@jupyterlab" / "terminal-extension" / "plugin.jupyterlab-settings"
        terminal_settings.parent.mkdir(parents=True, exist_ok=True)
        terminal_settings.write_text(json.dumps({"screenReaderMode": True}))
        page.goto(f"{lab.url}/lab?token={lab.token}")
        page.locator(".lm-MenuBar-itemLabel", has_text="File").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="New").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Terminal").first.click()
        page.locator(".jp-Terminal .xterm-helper-textarea").first.wait_for(state="attached")

        text = _run(page, "command -v python aws")
        assert f"{lesson_bin()}/python" in text
        assert f"{lesson_bin()}/aws" in text
        text = _run(page, "aws --version")
        assert "aws-cli/" in text
        # The notebook 05 exercise's own lines: rebuild the practice account, then ask for its status.
        text = _run(page, "python -m helpers.sandbox reset --at 05")
        assert "checkpoint-05" in text  # the practice account says which state it now has
        text = _run(page, "python -m helpers.status")
        assert "command not found" not in text
        assert "No module named" not in text
        assert "Traceback" not in text
        assert "Security status of account" in text
        assert "5 of 5 done" in text  # the checkpoint at the start of notebook 05: the same account as the notebooks
        shot = screenshot(page, "terminal")
    assert shot.stat().st_size > 5_000
