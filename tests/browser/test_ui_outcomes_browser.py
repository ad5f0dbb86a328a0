"""Issue 13: outcomes the prose names that the learner's run (test_browser_lesson.py) does not reach.

One JupyterLab without ``AML_WALKTHROUGH_AUTO``, one page: notebook 01's CSV import and "Use a saved
profile" (their success text and card used to vanish), then notebook 04's simulated console refusing
wrong codes (the QR code leaves the page and comes back on request). Each message must still be on
the page two seconds later.
"""

from __future__ import annotations

import json

import pytest

from tests.browser_support import (
    NOTEBOOK,
    browser_page,
    button,
    close_kernels,
    code_cell,
    open_notebook,
    require_browser,
    run_above_and_this,
    run_all,
    running_lab,
    screenshot,
    stays,
)

pytestmark = pytest.mark.browser


def test_csv_import_saved_profile_and_wrong_console_codes_stay_on_the_page(tmp_path):
    require_browser()
    from helpers.sandbox import console, scenarios, server

    with running_lab(tmp_path, auto=False) as lab, browser_page() as page:
        # 01: import the key file as AWS offers it (accessKeys.csv), then use a saved profile.
        open_notebook(page, lab, "01-set-up-credentials.ipynb")
        run_all(page)
        lines = dict(line.split("=", 1) for line in (lab.state / "sandbox" / "rootkey.csv").read_text().splitlines())
        key_id, secret = lines["AWSAccessKeyId"], lines["AWSSecretKey"]
        csv_file = tmp_path / "accessKeys.csv"
        csv_file.write_text(f"Access key ID,Secret access key\n{key_id},{secret}\n")
        notebook = page.locator(NOTEBOOK)
        form = notebook.locator(".aml-cred-form")
        form.wait_for()
        form.locator(".aml-cred-mode button", has_text="Import the CSV file").click()
        profile = form.locator(".aml-cred-profile input")
        profile.fill("csv-root")
        profile.press("Tab")
        with page.expect_file_chooser() as chooser:  # the upload button opens the browser's file dialog
            form.locator(".aml-cred-upload").first.click()
        chooser.value.set_files(str(csv_file))
        form.locator(".aml-cred-upload", has_text="(1)").first.wait_for()  # the widget has the file
        button(form, "aml-cred-save").click()
        stays(form, ".aml-cred-out", "Saved profile csv-root")
        stays(form, ".aml-cred-out", "arn:aws:iam::381492058731:root")  # the card stays too
        assert form.locator(".aml-cred-out .aml-cred-card").count() == 1
        assert "[csv-root]" in (lab.state / "sandbox" / "credentials").read_text()
        assert secret not in page.content()
        # The profile just saved is the active one: "Use a saved profile" proves it again, and says so.
        form.locator(".aml-cred-mode button", has_text="Use a saved profile").click()
        form.locator(".aml-cred-profiles select option", has_text="csv-root").first.wait_for(state="attached")
        button(form, "aml-cred-save").click()
        stays(form, ".aml-cred-out", "Profile csv-root works")
        assert json.loads((lab.state / "account.json").read_text())["profile"] == "csv-root"
        screenshot(page, "outcomes-01")
        close_kernels(lab)

        # 04: the simulated console refuses wrong codes; the QR code (the seed) leaves the page.
        server.start(lab.state)
        scenarios.reset(at="04", home=lab.state)
        (lab.state / "account.json").write_text(json.dumps({"source": "sandbox", "profile": "aml-packt"}))
        open_notebook(page, lab, "04-mfa.ipynb")
        notebook = page.locator(NOTEBOOK)
        run_above_and_this(page, code_cell(notebook, "aml.ui.mfa_form.assign_form()"))
        root = notebook.locator(".aml-console").first
        root.locator(".aml-console-assign").click()
        root.locator(".aml-console-qr").first.wait_for()
        root.locator(".aml-console-scan").click()
        root.locator(".aml-authenticator").wait_for()
        root.locator(".aml-console-code1 input").fill("000000")
        root.locator(".aml-console-code2 input").fill("111111")
        root.locator(".aml-console-add").click()
        said = stays(root, ".aml-console-out", "AWS refused the codes")
        assert "000000" not in said
        assert root.locator(".aml-console-qr").count() == 0  # off the page after the failure
        assert root.locator(".aml-console-code1 input").input_value() == ""
        assert not console.root_state(home=lab.state)["mfa_enabled"]
        button(root, "aml-console-qr-again").click()
        root.locator(".aml-console-qr").first.wait_for()
        screenshot(page, "outcomes-04")
