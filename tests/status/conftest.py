"""Fixtures shared by the status tests (the card, the CLI)."""

from __future__ import annotations

import pytest

from helpers import account
from helpers.sources import YourAwsFiles
from tests.fakes import FakeSource


@pytest.fixture
def fake_account(tmp_path, isolated_home, monkeypatch):
    """An account source whose profile aml-packt reaches moto in-process."""
    src = FakeSource(tmp_path)
    (tmp_path / "config").write_text("[profile aml-packt]\nregion = us-east-1\n")
    (tmp_path / "credentials").write_text(
        "[aml-packt]\naws_access_key_id = AKIAFAKEFAKEFAKEFAKE\naws_secret_access_key = fakefakefake\n"
    )
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setattr(account, "available_sources", lambda: {"fake": src, "aws": YourAwsFiles()})
    return src
