"""A learner runs 01-set-up-credentials in JupyterLab, types a key pair into the form and sees who they are."""

from __future__ import annotations

import time

import pytest

from tests.browser_support import browser_page, open_notebook, require_browser, run_all, running_lab, screenshot

pytestmark = pytest.mark.browser


def test_typing_keys_into_the_form_shows_the_who_you_are_card(tmp_path):
    require_browser()
    started = time.monotonic()
    with running_lab(tmp_path, auto=True) as lab, browser_page() as page:  # Run All imports the keys
        open_notebook(page, lab, "01-set-up-credentials.ipynb")
        run_all(page)
        notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
        # Run All took the practice path: the handed-over keys became profile root-keys.
        assert "Active profile: none yet" in notebook.locator(".aml-cred-report").first.inner_text()
        notebook.locator(".aml-cred-report", has_text="Imported the root key you created").wait_for()

        # The keys "shown once at creation", as the learner would copy them (with a stray space).
        lines = dict(
            line.split("=", 1) for line in (lab.state / "sandbox" / "rootkey.csv").read_text().splitlines() if line
        )
        key_id, secret = lines["AWSAccessKeyId"], lines["AWSSecretKey"]
        form = notebook.locator(".aml-cred-form")
        form.wait_for()
        form.locator(".aml-cred-key-id input").fill(f" {key_id}")
        form.locator(".aml-cred-secret input[type=password]").fill(secret)
        profile = form.locator(".aml-cred-profile input")
        profile.fill("typed-root")
        profile.press("Tab")
        form.locator("button.aml-cred-save, .aml-cred-save button").first.click()

        card = form.locator(".aml-cred-out .aml-cred-card")
        card.wait_for()
        assert "arn:aws:iam::381492058731:root" in card.inner_text()
        assert form.locator(".aml-cred-out .aml-cred-root-warning").is_visible()
        out = form.locator(".aml-cred-out").inner_text()
        assert "Removed spaces from the access key ID" in out
        assert "Saved profile typed-root" in out
        # The secret is gone from the field and appears nowhere on the page.
        assert form.locator(".aml-cred-secret input[type=password]").input_value() == ""
        assert secret not in page.content()
        shot = screenshot(page, "01-set-up-credentials")
    assert "[typed-root]" in (lab.state / "sandbox" / "credentials").read_text()
    assert shot.stat().st_size > 10_000
    print(f"\nbrowser 01-set-up-credentials: {time.monotonic() - started:.1f} s, screenshot {shot}")
