"""Run All of 02-create-aml-packt in JupyterLab under AML_WALKTHROUGH_AUTO, then the password and an Athena toggle."""

from __future__ import annotations

import json
import time

import pytest

from tests.browser_support import browser_page, open_notebook, require_browser, run_all, running_lab, screenshot

pytestmark = pytest.mark.browser


def start_at_notebook_02(lab) -> None:
    """The lab's own practice account as notebook 01 leaves it: profile root-keys active."""
    from helpers.sandbox import scenarios

    scenarios.reset(at="02", home=lab.state)
    (lab.state / "account.json").write_text(json.dumps({"source": "sandbox", "profile": "root-keys"}))


def test_run_all_creates_aml_packt_then_toggle_athena(tmp_path):
    require_browser()
    started = time.monotonic()
    with running_lab(tmp_path, auto=True) as lab, browser_page() as page:
        start_at_notebook_02(lab)
        open_notebook(page, lab, "02-create-aml-packt.ipynb")
        run_all(page)
        notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
        # Running the cell was the confirmation: the plan was applied.
        form = notebook.locator(".aml-users-form")
        form.wait_for()
        applied = form.locator(".aml-confirm-out").inner_text()
        assert "Created user AML@Packt." in applied and "saved it in profile aml-packt" in applied
        assert "AmazonS3FullAccess" in form.locator(".aml-confirm-plan").inner_text()
        # The generated password is not on the page until the learner asks, then only until "I've stored it".
        assert form.locator(".aml-users-secret-value").count() == 0
        form.locator(".aml-users-show button, button.aml-users-show").first.click()
        secret = form.locator(".aml-users-secret-value")
        secret.wait_for()
        assert secret.is_visible() and len(secret.inner_text()) >= 14
        password = secret.inner_text()
        form.locator(".aml-users-stored button, button.aml-users-stored").first.click()
        form.locator(".aml-users-secret-value").wait_for(state="detached")
        assert password not in page.content()
        # The access key's secret never reaches the page.
        creds = (lab.state / "sandbox" / "credentials").read_text()
        key_secret = creds.split("[aml-packt]")[1].split("aws_secret_access_key")[1].split("\n")[0].strip(" =")
        assert key_secret not in page.content()
        # Toggle Athena on: in the practice account the click is the confirmation.
        toggles = notebook.locator(".aml-users-services")
        athena = toggles.locator(".aml-users-service-athena").first
        assert "mod-active" not in (athena.get_attribute("class") or "")
        athena.click()  # under auto the toggle's plan applies itself
        toggles.locator(".aml-confirm-out", has_text="Attached AmazonAthenaFullAccess").first.wait_for()
        page.wait_for_function(
            "() => document.querySelector('.aml-users-service-athena').classList.contains('mod-active')"
        )
        # The closing check ran as AML@Packt: deleting the root's key was refused.
        assert "refused" in notebook.inner_text() and "UNEXPECTED" not in notebook.inner_text()
        shot = screenshot(page, "02-create-aml-packt")
    assert "[aml-packt]" in (lab.state / "sandbox" / "credentials").read_text()
    assert shot.stat().st_size > 10_000
    print(f"\nbrowser 02-create-aml-packt: {time.monotonic() - started:.1f} s, screenshot {shot}")
