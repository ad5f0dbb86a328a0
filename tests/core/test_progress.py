"""The "you are here" line from the live account, and jumping to a notebook's start (workshop tools)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import progress
from helpers.errors import WalkthroughError, explain
from helpers.sandbox import files, practice
from tests.sandbox_support import module_learner, session

learner = module_learner("progress-state")  # one learner: own state folder, practice account chosen, own server


@pytest.mark.parametrize(
    "keys, mfa, user, stage",
    [
        (True, False, False, "02"),
        (True, False, True, "03"),
        (True, True, True, "03"),
        (False, False, True, "04"),
        (False, True, True, "05"),
        (False, True, False, "done"),
        (False, False, False, "02"),
    ],
)
def test_stage_of_every_combination(keys, mfa, user, stage):
    assert progress.stage_of(keys, mfa, user)[0] == stage


def test_member_account_without_root_password_is_not_held_at_notebook_04():
    """AccountPasswordPresent = 0 and no root keys: root MFA cannot be set and is not needed (CIS v5.0 1.4)."""
    stage, evidence = progress.stage_of(False, False, True, root_password=False)
    assert stage == "05" and "no password and no access keys" in evidence
    # Without AML@Packt the learner still has notebook 02 to do; with root keys, notebook 03.
    assert progress.stage_of(False, False, False, root_password=False)[0] == "02"
    assert progress.stage_of(True, False, True, root_password=False)[0] == "03"


@pytest.mark.parametrize(
    "nn, stage", [("00", "01"), ("01", "01"), ("02", "02"), ("03", "03"), ("04", "04"), ("05", "05"), ("06", "05")]
)
def test_you_are_here_matches_each_checkpoint(learner, nn, stage):
    said = progress.start_from(nn)
    assert said.startswith(f"The practice account is now as at the start of notebook {nn}")
    here = progress.you_are_here(nn)
    assert here.stage == stage, here.line()
    assert here.line().startswith("You are here:")
    shown = here._repr_html_()
    assert "aml-progress-here" in shown and "<b>You are here:</b>" in shown
    assert all(ord(ch) < 0x2000 for ch in shown), "no emoji or symbol that needs a special font"
    assert "go back to" not in here.line()  # each notebook, at its own start, is where the account is


def test_a_notebook_ahead_of_the_account_says_how_to_catch_up(learner):
    progress.start_from("02")
    line = progress.you_are_here("04").line()
    assert "go back to notebook 02" in line and 'aml.progress.start_from("04")' in line


def test_after_the_clean_up_the_lesson_is_done(learner):
    from helpers.cleanup import notebook

    progress.start_from("06")
    result = notebook.teardown()
    assert result.ok
    # AML@Packt's profile was the active one and is gone, and so are the root user's keys: the lesson is done,
    # which reads differently from a beginner's new account (stage "01", the root key file still there).
    here = progress.you_are_here("06")
    assert here.stage == "done", here.line()
    assert here.line().startswith("You are here: the lesson is done and cleaned up.")
    assert 'aml.progress.start_from("01")' in here.line()
    with practice.owner_session() as owner:
        from helpers.progress import _read

        summary, exists = _read(owner)
    assert not exists and summary["AccountMFAEnabled"] == 1


def test_unknown_notebook_lists_the_valid_ones_and_changes_nothing(learner):
    progress.start_from("03")
    before = files.paths(learner).credentials.read_text()
    with pytest.raises(WalkthroughError) as err:
        progress.start_from("9")
    assert "choose one of 00, 01, 02, 03, 04, 05, 06" in str(err.value)
    assert files.paths(learner).credentials.read_text() == before
    assert progress.checkpoints()["03"].startswith("Start of notebook 03")


def test_reset_while_a_notebook_is_mid_step(learner):
    """A kernel still holding the old profile's key gets one clear sentence, then re-runs from the top."""
    progress.start_from("03")
    old = session(learner, "aml-packt")  # a notebook mid-step: its session read the key before the reset
    old.client("iam").list_users()
    progress.start_from("03")  # the instructor resets this learner
    with pytest.raises(ClientError) as err:
        old.client("iam").list_users()
    assert explain(err.value).startswith("AWS does not know this access key ID")
    assert session(learner, "aml-packt").client("iam").list_users()["Users"]  # a fresh session works


def test_start_from_on_a_real_account_explains(monkeypatch, isolated_home):
    monkeypatch.setenv("AML_WALKTHROUGH_ACCOUNT", "aws")
    with pytest.raises(WalkthroughError) as err:
        progress.start_from("03")
    assert "only in the practice account" in str(err.value)
    assert progress.checkpoints() == {}
    here = progress.you_are_here("03")
    assert here.stage == "01" and "No profile is active" in here.line()
