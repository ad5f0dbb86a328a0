"""A learner practises root MFA in notebook 04 in JupyterLab: scans nothing, types the two codes the
simulated authenticator shows, and sees the check turn green (headless Chromium)."""

from __future__ import annotations

import re
import time

import pytest

from helpers.sandbox import scenarios, server
from tests.browser_support import (
    NOTEBOOK,
    browser_page,
    next_code,
    open_notebook,
    require_browser,
    run_menu,
    running_lab,
    screenshot,
    shown_code,
)
from tests.lesson_support import BASE32_RUN

pytestmark = pytest.mark.browser


def seconds_left(app) -> int:
    return int(re.sub(r"\D", "", app.locator(".aml-authenticator-seconds").inner_text()) or 0)


def test_typing_the_simulated_apps_codes_turns_the_check_green(tmp_path):
    require_browser()
    started = time.monotonic()
    env = {"AML_WALKTHROUGH_PROFILE": "aml-packt"}
    with running_lab(tmp_path, env) as lab, browser_page() as page:
        server.start(lab.state)
        scenarios.reset(at="04", home=lab.state)
        open_notebook(page, lab, "04-mfa.ipynb")
        notebook = page.locator(NOTEBOOK)
        # Run everything above the practice console, then the console cell itself (not Run All: the
        # cell after it would let the simulated app type the codes).
        cell = notebook.locator(".jp-CodeCell", has_text="aml.ui.mfa_form.assign_form()").first
        cell.locator(".jp-InputArea-prompt").click()
        run_menu(page, "Run All Above Selected Cell")
        notebook.locator(".aml-mfa-check .aml-mfa-verdict", has_text="FAIL").first.wait_for()
        run_menu(page, re.compile(r"^Run Selected Cells? and Do not Advance$"))
        console = notebook.locator(".aml-console").first
        console.locator(".aml-console-assign").click()
        console.locator(".aml-console-qr").wait_for()
        console.locator(".aml-console-scan").click()
        app = console.locator(".aml-authenticator")
        app.wait_for()
        screenshot(page, "04-mfa-app")
        first = shown_code(app)
        # A code about to change by itself would make the pair skip a step: start from a fresh one.
        while seconds_left(app) <= 5:
            time.sleep(0.5)
            first = shown_code(app)
        assert re.fullmatch(r"\d{6}", first)
        console.locator(".aml-console-code1 input").fill(f"{first[:3]} {first[3:]}")
        # The app ticks by itself on the account's clock: skip that clock one step ahead instead of waiting.
        second = next_code(app, lab)
        console.locator(".aml-console-code2 input").fill(second)
        console.locator(".aml-console-add").click()
        console.locator(".aml-console-out", has_text="MFA is on for the root user").wait_for()
        console.scroll_into_view_if_needed()
        screenshot(page, "04-mfa-console")
        assert "spaces in the codes were removed" in console.locator(".aml-console-out").inner_text()
        check = notebook.locator(".aml-mfa-check").first
        check.locator(".aml-mfa-check-again").click()
        verdict = check.locator(".aml-mfa-verdict", has_text="PASS")
        verdict.wait_for()
        assert "rgb(0, 128, 0)" in verdict.evaluate("e => getComputedStyle(e).color")  # green
        assert "All three sources agree." in check.inner_text()
        assert not BASE32_RUN.findall(notebook.inner_text())
        shot = screenshot(page, "04-mfa")
    assert shot.stat().st_size > 10_000
    print(f"\nbrowser 04-mfa: {time.monotonic() - started:.1f} s, screenshot {shot}")
