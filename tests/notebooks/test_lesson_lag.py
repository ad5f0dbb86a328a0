"""Issue 14: the whole lesson passes with the lagging practice account switched on.

Notebooks 00 to 06 run headless (AML_WALKTHROUGH_AUTO=1) in a private practice account started
with ``lag=3``: a new access key or user is usable only 3 s after it was made, the credential
report is reused for 4 hours and AccountAccessKeysPresent settles late, as on AWS. The lesson's
waits (up to about a minute, with progress) must carry it through: no error in any cell, and at
the end the account is as the lesson leaves it (AML@Packt made in 02 and removed again by 06's
clean-up, no root keys, the root user's MFA on). The MFA rule is on (the default), so notebook
04's and 06's device changes go through MFA sessions as on AWS.
"""

from __future__ import annotations

import json

import pytest

from helpers.sandbox import console
from tests import lesson_support as ls
from tests.sandbox_support import client

LAG = 3


@pytest.fixture()
def auto(monkeypatch):
    monkeypatch.setenv("AML_WALKTHROUGH_AUTO", "1")  # forms apply themselves in the kernels, as under nbval


def test_the_whole_lesson_passes_with_the_lag_on(tmp_path, auto):
    with ls.practice(tmp_path / "state", scenario="new-account") as p:
        options = console.options(home=p.home, lag=LAG)
        assert options["lag"] == LAG and options["mfa_sessions"] is True
        ran = []
        for path in ls.NOTEBOOKS:
            nb = ls.run_notebook(path, p, timeout=120)
            assert ls.errors_of(nb) == [], f"{path.name}: {ls.errors_of(nb)}"
            ran.append(path.name[:2])
            if path.name.startswith("02"):  # the lesson really created the user, and its profile works
                shown = ls.widget_texts(nb) + json.dumps([c.get("outputs", []) for c in nb.cells])
                assert "Still waiting for the new key" in shown  # the lag was felt, and the wait showed progress
                arn = client(p.home, "aml-packt", "sts").get_caller_identity()["Arn"]
                assert arn.endswith(":user/AML@Packt"), arn
        assert ran == ["00", "01", "02", "03", "04", "05", "06"]
        assert console.options(home=p.home)["lag"] == LAG  # still lagging at the end: nothing switched it off
        console.options(home=p.home, lag=0)  # the snapshot signs with a spare root key: usable at once
        end = ls.iam_snapshot(p)
        assert end["users"] == {} and end["root_keys"] == [] and end["root_mfa"], end
