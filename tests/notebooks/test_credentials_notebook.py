"""Notebook 01 run headless, twice, in its own practice account: it converges and never shows a secret.

nbval (``--nbval-lax``) only checks that cells do not raise; this test also reads what the cells
said and searches the whole executed notebook, widget state included, for the root's secret.
"""

from __future__ import annotations

import json
import os

import nbformat
import pytest

from tests import lesson_support as ls

NOTEBOOK = ls.ROOT / "notebooks" / "01-set-up-credentials.ipynb"


def run_notebook() -> nbformat.NotebookNode:
    return ls.execute(NOTEBOOK)


def said(nb: nbformat.NotebookNode, source: str) -> str:
    """The text/plain output of the code cell whose source is *source*."""
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.source == source)
    return "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cell.outputs)


@pytest.fixture
def own_state(tmp_path, monkeypatch):
    """A private state folder: the kernel's practice account is this test's own server."""
    state = tmp_path / "state"
    state.mkdir()
    monkeypatch.setenv("AML_WALKTHROUGH_HOME", str(state))
    for name in (
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AML_WALKTHROUGH_ACCOUNT",
        "AML_WALKTHROUGH_PROFILE",
    ):
        monkeypatch.delenv(name, raising=False)
    return state


def test_the_practice_path_saves_root_keys_once_and_converges(own_state):
    from helpers.sandbox import scenarios, server

    try:
        scenarios.reset("new-account", home=own_state)
        sandbox = own_state / "sandbox"
        secret = (sandbox / "rootkey.csv").read_text().split("AWSSecretKey=")[1].strip()

        first = run_notebook()
        assert "Active profile: none yet. This notebook sets one up." in said(first, "aml.credentials.standing()")
        setup = said(first, "aml.credentials.set_up_credentials()")
        assert setup.startswith("Imported the root key you created (rootkey.csv, key AKIA…")
        assert "Profile root-keys is now the active profile" in setup
        verify = said(first, "aml.credentials.verify_credentials()")
        assert verify.startswith("Profile root-keys works.\nAccount 381492058731: you are the root user")
        saved = (sandbox / "credentials").read_text()

        second = run_notebook()
        assert "Active profile: root-keys, and it works" in said(second, "aml.credentials.standing()")
        assert said(second, "aml.credentials.set_up_credentials()").startswith(
            "Profile root-keys is already set up and works: nothing to change."
        )
        assert (sandbox / "credentials").read_text() == saved
        assert saved.count("[root-keys]") == 1
        assert (sandbox / "config").read_text().count("[profile root-keys]") == 1
        for nb in (first, second):
            assert secret not in json.dumps(nb), "a secret reached the notebook (an output or widget state)"
    finally:
        server.stop(own_state)


def test_on_a_real_account_the_notebook_writes_nothing(own_state, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AML_WALKTHROUGH_ACCOUNT", "aws")
    nb = run_notebook()
    assert said(nb, "aml.credentials.set_up_credentials()").startswith(
        "No profile is active yet.\nUse the form above to import or type your keys"
    )
    assert not (home / ".aws").exists()
    assert [p for p in os.listdir(home) if p != ".ipython"] == []  # the kernel's own history folder
