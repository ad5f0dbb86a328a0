"""Notebook 03's logic against the practice account's root layer (a private sandbox per module)."""

from __future__ import annotations

import configparser
import stat

import pytest
from botocore.exceptions import ClientError

from helpers import account, root_keys
from helpers.account import Account
from helpers.errors import WalkthroughError, error_code
from helpers.root_keys import (
    ACCEPT_SENTENCE,
    KEYS_GONE,
    NOT_ROOT_KEYS_PRESENT,
    ROOT_WITH_KEYS,
    Proof,
)
from helpers.sandbox import console, files, scenarios
from helpers.sandbox.source import SandboxAccount
from tests.sandbox_support import module_sandbox

sandbox = module_sandbox("sandbox-root-keys")


@pytest.fixture
def at03(sandbox, tmp_path, monkeypatch):
    """The start of notebook 03: root-keys (root) and aml-packt (AML@Packt) saved, aml-packt active."""
    home, _info = sandbox
    state = tmp_path / "state"
    state.mkdir()
    monkeypatch.setenv("AML_WALKTHROUGH_HOME", str(state))  # the learner's choice file, not the sandbox's
    scenarios.reset(at="03", home=home)
    chosen = Account(SandboxAccount(home), "aml-packt")
    return home, chosen


def root_state(home) -> list[tuple[str, str]]:
    return [(k["access_key_id"], k["status"]) for k in console.root_state(home=home)["access_keys"]]


def test_root_sees_its_key_signing_and_last_used(at03):
    home, chosen = at03
    obs = root_keys.observe(chosen.session("root-keys"))
    assert obs.situation == ROOT_WITH_KEYS and obs.caller_is_root and obs.can_delete
    (key,) = obs.keys
    assert key.active and key.signs_this_session and key.key_id == obs.signing_key_id
    assert key.last_service == "iam" and key.last_region == "us-east-1" and key.created is not None
    assert not key.used_elsewhere()  # the lesson's own IAM calls are not a warning
    assert root_state(home) == [(key.key_id, "Active")]


def test_aml_packt_can_read_the_flag_but_not_delete(at03):
    home, chosen = at03
    user = chosen.session("aml-packt")
    obs = root_keys.observe(user)
    assert obs.situation == NOT_ROOT_KEYS_PRESENT and not obs.can_delete and obs.keys == ()
    assert any("needs the root user" in line for line in obs.lines())
    for step in (root_keys.deactivate_root_keys, lambda s: root_keys.delete_root_keys(s, accepted=ACCEPT_SENTENCE)):
        with pytest.raises(WalkthroughError, match="needs the root user|this needs the root user"):
            step(user)
    check = root_keys.check_no_root_keys(user)
    assert check.passed is False and check.status == "FAIL"
    assert check.steps[0].startswith("1. Sign in") and "Deactivate" in check.steps[3] and "Delete" in check.steps[4]
    assert len(root_state(home)) == 1  # nothing changed


def test_full_path_deactivate_verify_delete_then_tidy(at03):
    home, chosen = at03
    actions = root_keys.actions_for_account(chosen)
    assert actions.observe().situation == ROOT_WITH_KEYS
    step1 = actions.deactivate()
    assert step1.ok and "No other active root key" in step1.lines()[0]
    proof = actions.verify()
    assert proof.ok and proof.user_arn.endswith(":user/AML@Packt") and proof.account_id == chosen_account_id(chosen)
    result = actions.delete(proof, None, None)
    assert result.ok and result.root_session_closed
    text = "\n".join(result.lines())
    assert "Deleted root access key" in text and "PASS" in text and "Removed profile root-keys" in text
    assert root_state(home) == []
    # The root profile is gone from both files, with 0600 backups; aml-packt is untouched.
    p = files.paths(home)
    creds = configparser.RawConfigParser()
    creds.read(p.credentials)
    assert creds.sections() == ["aml-packt"]
    backups = sorted(p.folder.glob("credentials.bak-*"))
    assert backups and stat.S_IMODE(backups[-1].stat().st_mode) == 0o600 and "[root-keys]" in backups[-1].read_text()
    # Re-running finds the keys gone, as AML@Packt, and the check passes.
    again = actions.observe()
    assert again.situation == KEYS_GONE and again.done
    assert actions.check().passed is True


def chosen_account_id(chosen) -> str:
    return root_keys.observe(chosen.session("aml-packt")).account_id


def test_deleted_key_is_refused_and_stale_profile_is_noticed(at03):
    home, chosen = at03
    root = chosen.session("root-keys")
    key_id = root_keys.signing_key_id(root)
    result = root_keys.delete_root_keys(root, accepted=ACCEPT_SENTENCE, practice=True)
    assert result.root_session_closed and result.ok
    with pytest.raises(ClientError) as err:
        root_keys.observe(chosen.session("root-keys"))
    assert error_code(err.value) == "InvalidClientTokenId"
    assert root_keys.has_profile(chosen.files(), "root-keys")  # still in the files, its key dead
    obs = root_keys.observe_account(chosen)
    # AWS says the key is gone (AccountAccessKeysPresent = 0): the dead profile is removed, and that is said.
    assert obs.situation == KEYS_GONE and "no longer accepts" in obs.note and "Removed profile root-keys" in obs.note
    assert not root_keys.has_profile(chosen.files(), "root-keys")
    assert key_id not in files.paths(home).credentials.read_text()
    tidy = root_keys.finish(chosen.files())  # converges: nothing left to remove
    assert tidy.ok and "nothing to remove" in " ".join(tidy.lines())


def test_a_second_delete_on_the_dead_key_does_not_fail(at03, monkeypatch):
    home, chosen = at03
    actions = root_keys.actions_for_account(chosen)
    real_finish = root_keys.steps.finish
    kept = root_keys.StepResult("finish", False, ("Profile root-keys was kept.",))
    monkeypatch.setattr(root_keys.steps, "finish", lambda files, root_profile, user: kept)  # a lagging summary
    first = actions.delete(None, ACCEPT_SENTENCE, None)
    assert root_state(home) == [] and root_keys.has_profile(chosen.files(), "root-keys")
    monkeypatch.setattr(root_keys.steps, "finish", real_finish)
    again = actions.delete(None, ACCEPT_SENTENCE, None)  # the second click, signed with the dead key
    assert again.ok, again.lines()
    assert "already deleted" in " ".join(again.lines()) and not root_keys.has_profile(chosen.files(), "root-keys")
    third = actions.delete(None, ACCEPT_SENTENCE, None)  # and once the profile is gone too
    assert third.ok and "already removed" in third.lines()[0]
    assert not first.ok


def test_check_again_finishes_a_step_that_was_waiting(at03, monkeypatch):
    """AccountAccessKeysPresent settled late: the delete kept root-keys; 'Check again' completes the step."""
    home, chosen = at03
    actions = root_keys.actions_for_account(chosen)
    real_finish = root_keys.steps.finish
    # The first finish sees AWS still counting the key (a lagging summary), with no real waiting.
    kept = root_keys.StepResult("finish", False, ("Profile root-keys was kept.",))
    monkeypatch.setattr(root_keys.steps, "finish", lambda files, root_profile, user: kept)
    waiting = actions.delete(None, ACCEPT_SENTENCE, None)
    assert not waiting.ok and root_keys.has_profile(chosen.files(), "root-keys")
    monkeypatch.setattr(root_keys.steps, "finish", real_finish)
    check = actions.check()
    assert check.passed is True and "Removed profile root-keys" in check.message
    assert not root_keys.has_profile(chosen.files(), "root-keys")


def test_finish_waits_about_a_minute_for_the_summary_with_progress_on_a_fake_clock(at03, monkeypatch):
    home, chosen = at03
    root_keys.delete_root_keys(chosen.session("root-keys"), accepted=ACCEPT_SENTENCE, practice=True)
    answers = iter([False, False, False, True])
    real_check = root_keys.apply.check_no_root_keys

    def lagging(session):
        passed = next(answers)
        return real_check(session) if passed else root_keys.CheckResult(False, "still counted")

    monkeypatch.setattr(root_keys.apply, "check_no_root_keys", lagging)
    now, slept, said = [0.0], [], []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    tidy = root_keys.finish(chosen.files(), sleep=sleep, clock=lambda: now[0], say=said.append)
    assert tidy.ok and slept == [2.0, 4.0, 8.0] and len(said) == 3
    assert said[1] == (
        "AWS still counts a root access key (AccountAccessKeysPresent = 1); checking again: 2 s of up to 60 s."
    )
    # A summary that never settles gives up after about a minute and keeps the profile.
    monkeypatch.setattr(root_keys.apply, "check_no_root_keys", lambda s: root_keys.CheckResult(False, "x"))
    now[0], slept[:] = 0.0, []
    kept = root_keys.finish(chosen.files(), sleep=sleep, clock=lambda: now[0])
    assert not kept.ok and sum(slept) == pytest.approx(60.0) and "Check again" in " ".join(kept.lines())


def test_delete_is_refused_without_proof_or_written_acceptance(at03):
    home, chosen = at03
    root = chosen.session("root-keys")
    with pytest.raises(WalkthroughError, match="first run Verify"):
        root_keys.delete_root_keys(root)
    elsewhere = Proof(True, "111122223333", "arn:aws:iam::111122223333:user/AML@Packt")
    with pytest.raises(WalkthroughError, match="first run Verify"):
        root_keys.delete_root_keys(root, proof=elsewhere)
    with pytest.raises(WalkthroughError, match="first run Verify"):
        root_keys.delete_root_keys(root, accepted="I will work from the terminal")
    assert len(root_state(home)) == 1
    assert root_keys.accepted_console("  i will WORK from the console. ")


def test_verify_fails_when_the_iam_profile_is_missing(at03):
    home, chosen = at03
    root_keys.remove_profile(chosen.files(), "aml-packt")
    proof = root_keys.verify_before_delete(chosen.session("root-keys"), chosen.files(), "aml-packt")
    assert not proof.ok and "aml-packt" in proof.problem and "notebook 01" in proof.problem
    with pytest.raises(WalkthroughError, match="first run Verify"):
        root_keys.delete_root_keys(chosen.session("root-keys"), proof=proof)
    assert len(root_state(home)) == 1


def test_verify_refuses_a_root_profile_as_the_way_back(at03):
    _home, chosen = at03
    proof = root_keys.verify_before_delete(chosen.session("root-keys"), chosen.files(), "root-keys")
    assert not proof.ok and "root user too" in proof.problem


def test_real_account_needs_the_key_ids_typed(at03):
    home, chosen = at03
    root = chosen.session("root-keys")
    proof = root_keys.verify_before_delete(root, chosen.files())
    key_id = root_keys.signing_key_id(root)
    with pytest.raises(WalkthroughError, match="type the key ID"):
        root_keys.delete_root_keys(root, proof=proof, typed_key_ids="AKIA", practice=False)
    assert len(root_state(home)) == 1
    result = root_keys.delete_root_keys(root, proof=proof, typed_key_ids=f" {key_id.lower()} ", practice=False)
    assert result.ok and root_state(home) == []


def test_two_keys_other_deactivated_signing_deleted_last_and_reruns_converge(at03):
    home, chosen = at03
    other = console.create_root_access_key(home=home).access_key_id
    root = chosen.session("root-keys")
    signer = root_keys.signing_key_id(root)
    obs = root_keys.observe(root)
    plan = root_keys.plan_deactivate(obs)
    assert [c.name for c in plan.changes] == [other]
    assert [c.name for c in root_keys.plan_delete(obs).changes] == [other, signer, "root-keys"]
    first = root_keys.deactivate_root_keys(root)
    assert f"Deactivated root access key {other}." in first.lines()
    assert dict(root_state(home)) == {signer: "Active", other: "Inactive"}
    # A re-run (after a failure, or a double click) changes nothing more.
    assert "No other active root key" in root_keys.deactivate_root_keys(root).lines()[0]
    obs = root_keys.observe(root)
    assert any("still present" in line for line in obs.lines())
    # Something broke? Reactivate, then deactivate again.
    assert root_keys.reactivate_root_key(root, other).ok
    assert dict(root_state(home))[other] == "Active"
    root_keys.deactivate_root_keys(root)
    proof = root_keys.verify_before_delete(root, chosen.files())
    assert proof.ok and {k.key_id for k in proof.keys} == {signer, other}
    result = root_keys.delete_root_keys(root, proof=proof, practice=True)
    assert result.lines()[:2] == [f"Deleted root access key {other}.", f"Deleted root access key {signer}."]
    assert root_state(home) == []


def test_reactivating_a_deleted_key_explains(at03):
    home, chosen = at03
    other = console.create_root_access_key(home=home).access_key_id
    root = chosen.session("root-keys")
    proof = root_keys.verify_before_delete(root, chosen.files())
    # Delete only the other key, from a session that keeps the signing key.
    from helpers import aws

    aws.client(root, "iam").delete_access_key(AccessKeyId=other)
    with pytest.raises(WalkthroughError, match="no longer exists"):
        root_keys.reactivate_root_key(root, other)
    assert proof.ok


def test_active_root_profile_switches_to_aml_packt_after_delete(at03, monkeypatch):
    home, chosen = at03
    monkeypatch.setenv("AML_WALKTHROUGH_ACCOUNT", "sandbox")
    as_root = Account(chosen.source, "root-keys")
    actions = root_keys.actions_for_account(as_root)
    result = actions.delete(actions.verify(), None, None)
    assert result.ok and "The active profile is now aml-packt." in result.lines()
    assert account.current_account().profile == "aml-packt"


def test_remove_profile_keeps_everything_else_and_converges(tmp_path):
    from helpers.sources import AwsFiles

    config, creds = tmp_path / "config", tmp_path / "credentials"
    config.write_text(
        "# mine\n[default]\nregion = eu-west-1\n\n[profile root-keys]\nregion = us-east-1\n\n[profile x]\nregion = a\n"
    )
    creds.write_text(
        "[root-keys]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = s\n\n"
        "[x]\naws_access_key_id = B\n"
    )
    aws_files = AwsFiles(config, creds)
    result = root_keys.remove_profile(aws_files, "root-keys")
    assert result.changed and len(result.backups) == 2
    assert config.read_text() == "# mine\n[default]\nregion = eu-west-1\n\n[profile x]\nregion = a\n"
    assert creds.read_text() == "[x]\naws_access_key_id = B\n"
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    again = root_keys.remove_profile(aws_files, "root-keys")
    assert not again.changed and "nothing to remove" in again.lines()[0]
