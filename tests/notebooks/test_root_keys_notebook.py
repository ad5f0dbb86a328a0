"""Notebook 03 run headless against the practice account from the start of notebook 03, then again.

nbval runs the notebook too, but the form reports its steps inside widgets rather than
raising; this test reads the widgets and the account itself.
"""

from __future__ import annotations

import os

from tests import lesson_support as ls

NOTEBOOK = ls.ROOT / "notebooks" / "03-delete-root-keys.ipynb"


def run_notebook() -> tuple[str, str]:
    """(plain-text results, widget HTML) of one headless run; fails on any error output."""
    nb = ls.execute(NOTEBOOK)
    return "\n".join(ls.outputs_of(nb)), "\n".join(ls.widget_htmls(nb))


def test_notebook_03_headless_then_again(monkeypatch):
    from helpers import account, root_keys
    from helpers.sandbox import console, scenarios

    monkeypatch.setenv("AML_WALKTHROUGH_HOME", os.environ["AML_WALKTHROUGH_HOME"])
    scenarios.reset(at="03")
    account.choose_account("sandbox", "aml-packt")
    files = account.current_account().files()
    creds_before = files.credentials_file.read_text()
    assert "[root-keys]" in creds_before
    results, htmls = run_notebook()
    assert "Deleted root access key" in htmls and "You will not be locked out" in htmls
    assert "iam_no_root_access_key PASS" in " ".join(results.split())
    assert console.root_state()["access_keys"] == []
    assert not root_keys.has_profile(files, "root-keys")
    assert account.current_account().profile == "aml-packt"
    secret = creds_before.split("[root-keys]")[1].split("aws_secret_access_key")[1].split("\n")[0].strip(" =")
    assert secret not in results and secret not in htmls  # the root's secret is never shown

    # Run All again once the keys are gone: nothing to do, the check still passes.
    results2, htmls2 = run_notebook()
    assert "Nothing to do" in htmls2 and "Deleted root access key" not in htmls2
    assert "iam_no_root_access_key PASS" in " ".join(results2.split())
