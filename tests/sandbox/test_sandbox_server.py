"""The sandbox process: start/reuse/stop, stale pidfiles, port clashes, isolation and the CLI's messages."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from helpers.errors import WalkthroughError, explain
from helpers.sandbox import console, files, scenarios, server
from helpers.sandbox.source import SandboxAccount, SandboxRestarted
from helpers.sources import AccountSource
from tests.sandbox_support import cli, client, code_of, keys_client, read_rootkey, save_root_profile


def assert_one_sentence_with_fix(result: subprocess.CompletedProcess, fix: str) -> str:
    text = (result.stdout + result.stderr).strip()
    assert result.returncode != 0
    assert "Traceback" not in text
    assert len(text.splitlines()) == 1, text
    assert fix in text, text
    return text


@pytest.fixture
def home(tmp_path):
    folder = tmp_path / "state"
    yield folder
    server.stop(folder)


def test_start_twice_reuses_the_running_server(home):
    first = server.start(home)
    assert first.reused is False and first.scenario == "new-account"
    again = server.start(home)
    assert again.reused is True and (again.pid, again.port) == (first.pid, first.port)
    now = server.status(home)
    assert now is not None and now.pid == first.pid
    assert str(first.port) in now.summary() and str(first.pid) in now.summary()
    assert server.ensure_running(home).pid == first.pid
    assert server.stop(home) is True
    assert server.status(home) is None
    assert server.stop(home) is False


def test_two_state_folders_run_two_isolated_sandboxes(tmp_path):
    a, b = tmp_path / "learner-a", tmp_path / "learner-b"
    try:
        info_a, info_b = server.start(a), server.start(b)
        assert info_a.port != info_b.port and info_a.pid != info_b.pid
        save_root_profile(a, info_a.url)
        client(a, "root-keys").create_user(UserName="only-in-a")
        key_a, secret_a = read_rootkey(a)
        with pytest.raises(ClientError) as err:
            keys_client(info_b.url, key_a, secret_a).list_users()
        assert code_of(err.value) == "InvalidClientTokenId"
        key_b, secret_b = read_rootkey(b)
        assert keys_client(info_b.url, key_b, secret_b).list_users()["Users"] == []
        assert server.stop(a) is True
        assert server.status(b) is not None
        assert keys_client(info_b.url, key_b, secret_b).list_users()["Users"] == []
    finally:
        server.stop(a)
        server.stop(b)


def crashed_at_02(home) -> server.SandboxInfo:
    """Start *home*'s server, reset it to checkpoint 02, then kill it (SIGKILL) and wait until it is gone."""
    info = server.start(home)
    scenarios.reset(at="02", home=home)
    os.kill(info.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while server._alive(info.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return info


def test_a_dead_server_is_detected_and_restart_says_so(home):
    info = crashed_at_02(home)
    assert server.status(home) is None
    assert "stale" in server.stale_note(home)
    result = cli(home, "status")
    assert_one_sentence_with_fix(result, "python -m helpers.sandbox start")
    with pytest.raises(WalkthroughError, match="python -m helpers.sandbox start"):
        console.root_state(home=home)
    credentials = files.paths(home).credentials.read_text()
    with warnings.catch_warnings():
        warnings.simplefilter("error", SandboxRestarted)  # nothing was lost: nothing to warn about
        SandboxAccount(home).files()  # what the next notebook cell does
    again = server.status(home)
    assert again is not None and again.pid != info.pid
    assert again.port == info.port  # the old port is preferred, so open sessions keep working
    assert again.scenario == "checkpoint-02"  # restored from its saved state, with the same keys
    assert files.paths(home).credentials.read_text() == credentials
    assert client(home, "root-keys", "sts").get_caller_identity()["Arn"].endswith(":root")


def test_a_crash_without_saved_state_rebuilds_and_says_so(home):
    crashed_at_02(home)
    files.paths(home).state_file.unlink()  # e.g. a folder from before the state was saved
    with pytest.warns(SandboxRestarted, match="had stopped"):
        SandboxAccount(home).files()
    again = server.status(home)
    assert again is not None and again.scenario == "checkpoint-02"  # rebuilt, with fresh keys
    assert client(home, "root-keys", "sts").get_caller_identity()["Arn"].endswith(":root")


def test_endpoint_url_is_rewritten_in_every_profile_on_start(home):
    server.start(home)
    scenarios.reset(at="03", home=home)
    server.stop(home)
    p = files.paths(home)
    p.config.write_text(p.config.read_text().replace("http://127.0.0.1:", "http://127.0.0.1:1"))
    info = server.start(home)
    text = p.config.read_text()
    assert text.count(f"endpoint_url = {info.url}\n") == 2


def test_a_taken_port_gets_one_sentence(home):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(WalkthroughError, match=f"Port {port} .* is taken"):
            server.start(home, port=port)
        result = cli(home, "start", "--port", str(port))
        assert_one_sentence_with_fix(result, "python -m helpers.sandbox start")


def test_an_unwritable_state_folder_gets_one_sentence(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = cli(blocker / "state", "start")
    assert_one_sentence_with_fix(result, "AML_WALKTHROUGH_HOME")


def test_requests_to_a_stopped_sandbox_say_how_to_start_it(home):
    info = server.start(home)
    save_root_profile(home, info.url)
    server.stop(home)
    result = cli(home, "status")
    text = assert_one_sentence_with_fix(result, "python -m helpers.sandbox start")
    assert "not running" in text
    with pytest.raises(WalkthroughError, match="not running"):
        console.create_root_access_key(home=home)
    with pytest.raises(EndpointConnectionError) as err:
        client(home, "root-keys", "sts").get_caller_identity()
    assert "practice account" in explain(err.value)  # helpers.errors says how to start it again


def test_cli_start_status_env_reset_stop(home):
    result = cli(home, "start")
    assert result.returncode == 0 and "running at http://127.0.0.1:" in result.stdout
    assert "scenario new-account" in cli(home, "status").stdout
    result = cli(home, "reset", "--at", "02")
    assert result.returncode == 0 and "checkpoint-02" in result.stdout
    result = cli(home, "env")
    p = files.paths(home)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f"export AWS_CONFIG_FILE={p.config}",
        f"export AWS_SHARED_CREDENTIALS_FILE={p.credentials}",
    ]
    # The real AWS CLI reads the same profiles (endpoint_url included).
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(p.config), AWS_SHARED_CREDENTIALS_FILE=str(p.credentials))
    aws = Path(sys.executable).with_name("aws")
    if aws.exists():
        out = subprocess.run(
            [str(aws), "sts", "get-caller-identity", "--profile", "root-keys", "--output", "text"],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert out.returncode == 0 and ":root" in out.stdout, out.stderr
    bad = cli(home, "reset", "--scenario", "nope")
    text = assert_one_sentence_with_fix(bad, "new-account")
    assert "messy-account" in text
    assert "00" in assert_one_sentence_with_fix(cli(home, "reset", "--at", "09"), "--at 03")
    result = cli(home, "stop")
    assert result.returncode == 0 and server.status(home) is None


def test_the_sandbox_is_an_account_source(home):
    source = SandboxAccount(home)
    assert isinstance(source, AccountSource)
    assert (source.key, source.practice, source.default_region) == ("sandbox", True, "us-east-1")
    assert "sandbox" in source.label.lower()
    aws_files = source.files()  # starts the server on demand
    info = server.status(home)
    assert info is not None
    assert aws_files.new_profile_settings == {"endpoint_url": info.url}
    assert aws_files.config_file == files.paths(home).config
    assert source.handed_over_keys() == files.paths(home).rootkey_csv
    assert "practice" in source.describe().lower() or "simulated" in source.describe().lower()
    assert source.files().new_profile_settings["endpoint_url"] == info.url  # reused


def test_reset_sets_the_active_profile_for_the_learners_own_folder(home, monkeypatch):
    monkeypatch.setenv("AML_WALKTHROUGH_HOME", str(home))
    monkeypatch.delenv("AML_WALKTHROUGH_ACCOUNT", raising=False)
    monkeypatch.delenv("AML_WALKTHROUGH_PROFILE", raising=False)
    from helpers import account

    scenarios.reset(at="03")
    assert account.current_account().profile == "aml-packt"
    scenarios.reset(at="02")
    assert account.current_account().profile == "root-keys"
    scenarios.reset()
    assert account.current_account().profile is None
