"""Issue 9: a learner's full run in a real browser, 00 -> 06 in order, through the forms.

One JupyterLab (its own state folder, so its own practice account, starting as a new account),
one headless Chromium page. Each notebook: open, Run All, then what the learner does in its forms;
a screenshot per notebook in ``test-output/browser/lesson-NN.png``; the total time is printed.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request

import pytest

from .browser_support import IDLE, browser_page, require_browser, run_all, running_lab, screenshot

pytestmark = pytest.mark.browser
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"


def run_menu(page, item: str | re.Pattern) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def button(scope, css: str):
    """An ipywidgets Button by its class (the class sits on the button itself)."""
    return scope.locator(f"button.{css}, .{css} button").first


def shown_code(app) -> str:
    return re.sub(r"\D", "", app.locator(".aml-authenticator-code").inner_text())


def open_alone(page, lab, name: str, workspace: str) -> None:
    """open_notebook in a workspace of its own: only this notebook's tab, no earlier tab restored.

    Each earlier tab restored would start its kernel again (its session was shut down), and on
    two cores that race can leave Run All waiting.
    """
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{name}?reset&token={lab.token}")
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    page.get_by_text(IDLE).first.wait_for(timeout=90_000)


def close_kernels(lab) -> None:
    """Shut the previous notebook's kernel down, as a learner closing the tab would (2 cores, 7 kernels)."""
    headers = {"Authorization": f"token {lab.token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{lab.url}/api/sessions", headers=headers), timeout=10) as r:
        sessions = json.loads(r.read())
    for session in sessions:
        request = urllib.request.Request(f"{lab.url}/api/sessions/{session['id']}", method="DELETE", headers=headers)
        urllib.request.urlopen(request, timeout=30).close()


def test_a_learner_goes_from_00_to_06_in_the_browser(tmp_path):
    require_browser()
    started = time.monotonic()
    times: dict[str, float] = {}
    with running_lab(tmp_path) as lab, browser_page() as page:

        def lesson(nn: str, name: str):
            if times:
                close_kernels(lab)
            times[nn] = time.monotonic()
            open_alone(page, lab, name, f"lesson-{nn}")
            return page.locator(NOTEBOOK)

        def done(nn: str) -> None:
            screenshot(page, f"lesson-{nn}")
            times[nn] = time.monotonic() - times[nn]

        # 00: choose the practice account; the who-you-are card says what comes next.
        notebook = lesson("00", "00-start-here.ipynb")
        run_all(page)
        form = notebook.locator(".aml-account-form")
        form.wait_for()
        assert "Practice" in form.locator(".aml-account-source label:has(input:checked)").inner_text()
        button(form, "aml-account-use").click()
        form.locator(".aml-account-out .aml-card").wait_for()
        assert "notebook 01" in form.locator(".aml-account-out .aml-card").inner_text()
        done("00")

        # 01: type the key pair the account handed over (rootkey.csv) and see who you are.
        notebook = lesson("01", "01-set-up-credentials.ipynb")
        run_all(page)
        lines = dict(line.split("=", 1) for line in (lab.state / "sandbox" / "rootkey.csv").read_text().splitlines())
        key_id, secret = lines["AWSAccessKeyId"], lines["AWSSecretKey"]
        form = notebook.locator(".aml-cred-form")
        form.wait_for()
        form.locator(".aml-cred-key-id input").fill(key_id)
        form.locator(".aml-cred-secret input[type=password]").fill(secret)
        form.locator(".aml-cred-profile input").fill("root-keys")
        form.locator(".aml-cred-profile input").press("Tab")
        button(form, "aml-cred-save").click()
        card = form.locator(".aml-cred-out .aml-cred-card")
        card.wait_for()
        assert "arn:aws:iam::381492058731:root" in card.inner_text()
        assert secret not in page.content()
        card.scroll_into_view_if_needed()
        done("01")

        # 02: Run All applies the plan (the cell is the confirmation); the password only on request.
        notebook = lesson("02", "02-create-aml-packt.ipynb")
        run_all(page)
        form = notebook.locator(".aml-users-form")
        form.wait_for()
        applied = form.locator(".aml-confirm-out").inner_text()
        assert "Created user AML@Packt." in applied and "saved it in profile aml-packt" in applied
        assert form.locator(".aml-users-secret-value").count() == 0  # not on the page unasked
        button(form, "aml-users-show").click()
        shown = form.locator(".aml-users-secret-value")
        shown.wait_for()
        password = shown.inner_text()
        assert len(password) >= 14
        button(form, "aml-users-stored").click()
        shown.wait_for(state="detached")
        assert password not in page.content()
        done("02")

        # 03: the three steps ran (deactivate, verify, delete) and the check passes.
        notebook = lesson("03", "03-delete-root-keys.ipynb")
        run_all(page)
        form = notebook.locator(".aml-rootkeys-form").first
        form.wait_for()
        assert "Deleted root access key" in form.locator(".aml-rootkeys-result-delete").inner_text()
        assert "PASS" in form.locator(".aml-rootkeys-result-check").inner_text()
        done("03")

        # 04: the simulated console: read the app's code, type two codes, the check turns green.
        notebook = lesson("04", "04-mfa.ipynb")
        cell = notebook.locator(".jp-CodeCell", has_text="aml.ui.mfa_form.root_console()").first
        cell.locator(".jp-InputArea-prompt").click()
        run_menu(page, "Run All Above Selected Cell")
        notebook.locator(".aml-mfa-check .aml-mfa-verdict", has_text="FAIL").first.wait_for()
        run_menu(page, re.compile(r"^Run Selected Cells? and Do not Advance$"))
        console = notebook.locator(".aml-console").first
        console.locator(".aml-console-assign").click()
        console.locator(".aml-console-scan").click()
        app = console.locator(".aml-authenticator")
        app.wait_for()
        first = shown_code(app)
        console.locator(".aml-console-code1 input").fill(first)
        deadline = time.monotonic() + 40
        while shown_code(app) == first and time.monotonic() < deadline:
            time.sleep(0.5)
        console.locator(".aml-console-code2 input").fill(shown_code(app))
        console.locator(".aml-console-add").click()
        console.locator(".aml-console-out", has_text="MFA is on for the root user").wait_for()
        check = notebook.locator(".aml-mfa-check").first
        button(check, "aml-mfa-check-again").click()
        verdict = check.locator(".aml-mfa-verdict", has_text="PASS")
        verdict.wait_for()
        assert "rgb(0, 128, 0)" in verdict.evaluate("e => getComputedStyle(e).color")
        check.scroll_into_view_if_needed()
        done("04")

        # 05: the status card.
        notebook = lesson("05", "05-security-status.ipynb")
        run_all(page)
        card = notebook.locator(".aml-status-card").first
        card.wait_for()
        status = card.inner_text()
        card.scroll_into_view_if_needed()
        done("05")

        # 06: the clean-up runs and the final card shows.
        notebook = lesson("06", "06-clean-up.ipynb")
        run_all(page)
        notebook.locator(".aml-status-card").first.wait_for()
        out = notebook.locator(".aml-cleanup-form .aml-confirm-out")
        out.wait_for()
        assert "Deleted user AML@Packt." in out.inner_text()
        out.scroll_into_view_if_needed()
        done("06")
    total = time.monotonic() - started
    print(f"\nstatus card at 05: {status.splitlines()[0] if status else '?'}")
    print(
        "browser lesson 00 -> 06: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()) + f"; total {total:.1f} s"
    )
