"""Notebook 02 run headless against the practice account: completes, converges on re-run, no secret printed.

nbval (``make test``) runs the notebook too, but the set-up form reports failures inside
its widget rather than raising; this test reads the widgets' outputs and the account itself.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests import lesson_support as ls

NOTEBOOK = ls.ROOT / "notebooks" / "02-create-aml-packt.ipynb"


def run_notebook() -> tuple[list[str], list[str], str]:
    """(plain-text results, texts printed into widgets, widget HTML) of one headless run."""
    nb = ls.execute(NOTEBOOK)
    return ls.outputs_of(nb), ls.printed_in_widgets(nb), "\n".join(ls.widget_htmls(nb))


def test_notebook_02_headless_then_again(tmp_path, monkeypatch):
    from helpers import account, aws, users
    from helpers.credentials.profiles import saved_key_id
    from helpers.sandbox import scenarios

    monkeypatch.setenv("AML_WALKTHROUGH_HOME", os.environ["AML_WALKTHROUGH_HOME"])
    scenarios.reset(at="02")
    try:
        account.choose_account("sandbox", "root-keys")
        results, printed, htmls = run_notebook()
        text = "\n".join(printed) + htmls  # forms write results into an HTML widget (helpers.ui.result)
        assert "Created user AML@Packt." in text and "saved it in profile aml-packt" in text
        assert "Stopped at" not in text
        assert "UNEXPECTED" not in "\n".join(results) and "refused" in "\n".join(results)
        assert account.current_account().profile == "aml-packt"
        files = account.current_account().files()
        key_id = saved_key_id(files, "aml-packt", masked=False)
        creds = files.credentials_file.read_text()
        saved_secret = creds.split("[aml-packt]")[1].split("aws_secret_access_key")[1].split("\n")[0].strip(" =")
        assert saved_secret not in "\n".join(results + printed)  # the key's secret is never shown
        # Under Run All the generated password is not on the page until "Show it once" is clicked.
        assert "aml-users-secret-value" not in htmls and "Show it once" in htmls
        root = aws.make_session(files, "root-keys")
        obs = users.observe(root, files)
        assert [k.key_id for k in obs.keys] == [key_id] and obs.login_profile and obs.user_in_group

        # Re-running every cell (now as AML@Packt) changes nothing.
        results2, printed2, _ = run_notebook()
        assert not [line for line in printed2 if line.startswith(("Created", "Attached", "Gave", "Set"))]
        obs2 = users.observe(root, files)
        assert obs2.keys == obs.keys
        assert len(aws.client(root, "iam").list_users()["Users"]) == 1
    finally:
        scenarios.reset("new-account")
        (Path(os.environ["AML_WALKTHROUGH_HOME"]) / "account.json").unlink(missing_ok=True)
