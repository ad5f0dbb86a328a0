"""Issue 15: the practice account keeps its state across stop/start and a crash; only reset starts over."""

from __future__ import annotations

import json
import os
import signal
import stat
import time
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from helpers.sandbox import console, files, scenarios, server
from helpers.sandbox.source import SandboxAccount, SandboxRestarted
from tests.sandbox_support import NO_RETRY, code_of, keys_client
from tests.sandbox_support import session as profile_session


@pytest.fixture
def home(tmp_path):
    folder = tmp_path / "state"
    yield folder
    server.stop(folder)


def plain_profile_session(home: Path, profile: str, monkeypatch) -> boto3.Session:
    p = files.paths(home)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(p.config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(p.credentials))
    return boto3.Session(profile_name=profile)


def wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 10
    while server._alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not server._alive(pid)


def snapshot(home: Path) -> dict:
    p = files.paths(home)
    return {
        "credentials": p.credentials.read_text(),
        "config": p.config.read_text(),
        "root": console.root_state(home=home)["access_keys"],
    }


@pytest.mark.parametrize("how", ["stop", "sigkill"])
def test_reset_at_04_then_stop_or_crash_then_start_keeps_the_account(home, how, monkeypatch):
    server.start(home)
    scenarios.reset(at="04", home=home)
    before = snapshot(home)
    assert before["root"] == []  # notebook 03 deleted the root's keys
    s3 = profile_session(home, "aml-packt").client("s3", config=NO_RETRY)
    s3.create_bucket(Bucket="made-by-the-learner")  # a learner's own change (AmazonS3FullAccess)
    s3.put_object(Bucket="made-by-the-learner", Key="notes.txt", Body=b"kept")
    old = server.status(home)
    if how == "stop":
        from tests.sandbox_support import cli

        stopped = cli(home, "stop")
        assert stopped.returncode == 0 and "its state is saved" in stopped.stdout
        assert "your work in it is saved" in cli(home, "status").stdout
    else:
        os.kill(old.pid, signal.SIGKILL)
        wait_gone(old.pid)

    info = server.start(home)
    assert info.pid != old.pid and info.restored and not info.built and info.note == ""
    assert info.scenario == "checkpoint-04"
    after = snapshot(home)
    assert after == before  # the root still has no keys; profile files untouched, same key
    session = plain_profile_session(home, "aml-packt", monkeypatch)
    arn = session.client("sts", config=NO_RETRY).get_caller_identity()["Arn"]
    assert arn.endswith(":user/AML@Packt")
    names = {u["UserName"] for u in session.client("iam", config=NO_RETRY).list_users()["Users"]}
    assert names == {"AML@Packt"}
    s3 = session.client("s3", config=NO_RETRY)
    assert s3.get_object(Bucket="made-by-the-learner", Key="notes.txt")["Body"].read() == b"kept"
    assert server.lost_note(home) == ""


def test_the_next_notebook_cell_after_stop_restores_silently(home):
    server.start(home)
    scenarios.reset(at="03", home=home)
    key_id = files.paths(home).credentials.read_text()
    server.stop(home)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", SandboxRestarted)
        SandboxAccount(home).files()  # what the next cell does
    assert files.paths(home).credentials.read_text() == key_id
    assert (
        profile_session(home, "root-keys").client("sts", config=NO_RETRY).get_caller_identity()["Arn"].endswith(":root")
    )


def test_root_mfa_and_deleted_root_keys_stay_as_they_were(home):
    server.start(home)
    scenarios.reset(at="05", home=home)
    state = console.root_state(home=home)
    assert state["mfa_enabled"]
    retired = profile_session(home, "aml-packt").client("iam", config=NO_RETRY)
    server.stop(home)
    server.start(home)
    assert console.root_state(home=home) == state
    summary = retired.get_account_summary()["SummaryMap"]  # same key, new process
    assert summary["AccountMFAEnabled"] == 1 and summary["AccountAccessKeysPresent"] == 0


def test_a_deleted_root_key_stays_refused_after_restart(home):
    info = server.start(home)
    key_id, secret = (line.split("=", 1)[1] for line in files.paths(home).rootkey_csv.read_text().splitlines())
    keys_client(info.url, key_id, secret).delete_access_key(AccessKeyId=key_id)
    server.stop(home)
    again = server.start(home)
    with pytest.raises(ClientError) as err:
        keys_client(again.url, key_id, secret, "sts").get_caller_identity()
    assert code_of(err.value) == "InvalidClientTokenId"


def test_reset_starts_over_and_says_so(home):
    from tests.sandbox_support import cli

    server.start(home)
    scenarios.reset(at="03", home=home)
    profile_session(home, "root-keys").client("iam", config=NO_RETRY).create_group(GroupName="learners-own")
    server.stop(home)
    assert server.start(home).restored  # checkpoint-03 with the learner's group
    result = cli(home, "reset", "--at", "03")
    assert result.returncode == 0, result.stderr
    assert "was reset to 'checkpoint-03'" in result.stdout and "earlier progress in it is gone" in result.stdout
    groups = profile_session(home, "aml-packt").client("iam", config=NO_RETRY).list_groups()["Groups"]
    assert [g["GroupName"] for g in groups] == ["aml-packt-users"]


def test_the_state_file_is_private_and_written_atomically(home):
    server.start(home)
    p = files.paths(home)
    assert stat.S_IMODE(p.state_file.stat().st_mode) == 0o600
    assert not list(p.folder.glob(".account-state.pickle.*"))  # no temp file left behind
    server.stop(home)
    cut_short = p.folder / ".account-state.pickle.abc123.tmp"  # a save a crash interrupted
    cut_short.write_bytes(b"half a secret")
    assert server.start(home).restored
    assert not cut_short.exists()


def test_a_damaged_state_file_rebuilds_the_last_checkpoint_and_says_what_was_lost(home):
    from tests.sandbox_support import cli

    server.start(home)
    scenarios.reset(at="03", home=home)
    old_credentials = files.paths(home).credentials.read_text()
    server.stop(home)
    p = files.paths(home)
    p.state_file.write_bytes(b"AMLSANDBOXSTATE\n" + b"garbage" * 10)
    with pytest.warns(SandboxRestarted) as caught:
        SandboxAccount(home).files()
    note = str(caught[0].message)
    assert "could not be restored" in note and "'checkpoint-03'" in note and "reset --at NN" in note
    assert "\n" not in note
    assert files.paths(home).credentials.read_text() != old_credentials  # a new key, written again
    assert profile_session(home, "aml-packt").client("sts", config=NO_RETRY).get_caller_identity()["Arn"]
    assert (p.folder / "account-state.pickle.unreadable").exists()
    status = cli(home, "status")
    assert status.returncode == 0 and "could not be restored" in status.stdout
    assert "could not be restored" in SandboxAccount(home).describe()
    # A reset forgets the note, and the set-aside file (its keys died with that account).
    scenarios.reset(at="03", home=home)
    assert server.lost_note(home) == "" and "could not" not in SandboxAccount(home).describe()
    assert not (p.folder / "account-state.pickle.unreadable").exists()


def test_a_state_file_from_another_moto_version_is_not_loaded(home):
    server.start(home)
    server.stop(home)
    p = files.paths(home)
    data = p.state_file.read_bytes()
    magic, header, rest = data.split(b"\n", 2)
    versions = json.loads(header)
    versions["moto"] = "0.0.1"
    p.state_file.write_bytes(magic + b"\n" + json.dumps(versions).encode() + b"\n" + rest)
    info = server.start(home)
    assert info.built and not info.restored
    assert "another version" in info.note


def test_reset_removes_the_backups_of_the_practice_profile_files(home):
    from tests.sandbox_support import cli

    server.start(home)
    p = files.paths(home)
    for name in ("credentials.bak-20260101T000000000000Z", "config.bak-20260101T000000000000Z"):
        (p.folder / name).write_text("[x]\naws_secret_access_key = dead\n")
    (p.folder / "notes.txt").write_text("mine")
    result = cli(home, "reset")
    assert result.returncode == 0, result.stderr
    assert "Removed 2 backup(s)" in result.stdout
    assert not list(p.folder.glob("*.bak-*")) and (p.folder / "notes.txt").exists()
    again = cli(home, "reset")
    assert "no backups" in again.stdout


def test_after_a_reboot_a_recycled_pid_is_left_alone_and_the_account_comes_back(home):
    """A reboot: the old server is gone and its pid now belongs to another program (here: this test)."""
    info = server.start(home)
    scenarios.reset(at="04", home=home)
    before = snapshot(home)
    os.kill(info.pid, signal.SIGKILL)
    wait_gone(info.pid)
    p = files.paths(home)
    data = json.loads(p.server_json.read_text())
    p.server_json.write_text(json.dumps({**data, "pid": os.getpid()}))
    again = server.start(home)
    assert again.restored and again.pid != os.getpid()
    assert snapshot(home) == before
