"""Run All of notebook 03 in JupyterLab under AML_WALKTHROUGH_AUTO: the three steps run, the check passes."""

from __future__ import annotations

import json
import time

import pytest

from tests.browser_support import browser_page, open_notebook, require_browser, run_all, running_lab, screenshot

pytestmark = pytest.mark.browser


def test_run_all_deletes_the_root_keys_and_check_again_passes(tmp_path):
    require_browser()
    from helpers.sandbox import console, scenarios

    started = time.monotonic()
    with running_lab(tmp_path, auto=True) as lab, browser_page() as page:
        # The lab's own practice account, at the start of notebook 03, with aml-packt active.
        scenarios.reset(at="03", home=lab.state)
        (lab.state / "account.json").write_text(json.dumps({"source": "sandbox", "profile": "aml-packt"}))
        assert len(console.root_state(home=lab.state)["access_keys"]) == 1
        open_notebook(page, lab, "03-delete-root-keys.ipynb")
        run_all(page)
        form = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .aml-rootkeys-form").first
        form.wait_for()
        assert "No other active root key" in form.locator(".aml-rootkeys-result-deactivate").inner_text()
        assert "You will not be locked out" in form.locator(".aml-rootkeys-result-verify").inner_text()
        deleted = form.locator(".aml-rootkeys-result-delete").inner_text()
        assert "Deleted root access key" in deleted and "Removed profile root-keys" in deleted
        for step in ("deactivate", "verify", "delete"):
            assert form.locator(f"button.aml-rootkeys-{step}").is_disabled()
        check = form.locator(".aml-rootkeys-result-check")
        assert "PASS" in check.inner_text()
        assert "step 3 deleted them" in form.locator(".aml-rootkeys-plan").inner_text()
        assert console.root_state(home=lab.state)["access_keys"] == []
        # Someone makes a root key again in the console: Check again (as AML@Packt) fails and guides.
        console.create_root_access_key(home=lab.state)
        form.locator("button.aml-rootkeys-check").click()
        page.wait_for_function("el => el.innerText.includes('FAIL')", arg=check.element_handle(), timeout=30_000)
        plan = form.locator(".aml-rootkeys-plan").inner_text()
        assert "Only the root user can delete" in plan and "Deactivate" in plan
        shot = screenshot(page, "03-delete-root-keys")
    assert "[root-keys]" not in (lab.state / "sandbox" / "credentials").read_text()
    print(f"\nbrowser 03-delete-root-keys: {time.monotonic() - started:.1f} s, screenshot {shot}")
