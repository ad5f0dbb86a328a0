"""``python -m helpers.status``: the checklist or JSON for the chosen account; one-sentence errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from moto import mock_aws

from helpers import account
from helpers.status.__main__ import main


@pytest.mark.usefixtures("fake_account")
def test_prints_the_checklist_for_the_active_profile(capsys):
    account.choose_account("fake", "aml-packt")
    with mock_aws():
        assert main([]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Security status of this account as aml-packt: 1 of 5 done."
    assert out[1] == "  [PASS   ] Delete your root access keys: The root user has no access keys."
    assert out[3].startswith("  [FAIL   ] Create individual IAM users: The account has no IAM users")
    assert any(line.startswith("All checks: ") for line in out)


@pytest.mark.usefixtures("fake_account")
def test_json_lists_every_finding(capsys):
    account.choose_account("fake", "someone-else")
    with mock_aws():
        assert main(["--json", "--profile", "aml-packt"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["profile"] == "aml-packt"
    first = document["findings"][0]
    assert set(first) >= {"check_id", "status", "message", "resource"}
    assert first == {
        "check_id": "iam_no_root_access_key",
        "status": "PASS",
        "severity": "critical",
        "resource": "<root_account>",
        "message": "The root user has no access keys.",
    }


@pytest.mark.usefixtures("fake_account")
def test_no_profile_is_one_sentence_and_a_non_zero_exit(capsys):
    assert main([]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: No profile is active yet.") and err.count("\n") == 1


@pytest.mark.usefixtures("fake_account")
def test_unknown_profile_is_one_sentence(capsys):
    assert main(["--profile", "nobody"]) == 1
    err = capsys.readouterr().err
    assert "'nobody'" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and "notebook 01" in err  # one sentence, with where to fix it


@pytest.mark.parametrize("flag", ["--help"])
def test_runs_as_a_module(flag):
    done = subprocess.run([sys.executable, "-m", "helpers.status", flag], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--profile" in done.stdout and "--json" in done.stdout
