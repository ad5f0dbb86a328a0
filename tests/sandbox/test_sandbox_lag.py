"""The lagging practice account (option lag): late keys, a 4-hour credential report, a late AccountAccessKeysPresent."""

from __future__ import annotations

import csv
import io

import pytest
from botocore.exceptions import ClientError

from helpers.sandbox import __main__ as cli
from helpers.sandbox import clock, console, files, scenarios, server
from helpers.sandbox.root.sessions import options_from_env
from tests.sandbox_support import client, code_of, keys_client, module_sandbox

LAG = 2.0


sandbox = module_sandbox("sandbox-lag")


@pytest.fixture()
def lagging(sandbox):
    home, info = sandbox
    scenarios.reset(at="03", home=home)
    console.options(home=home, lag=LAG)
    yield home, info
    console.options(home=home, lag=0)


def test_a_scenario_is_built_settled_and_keeps_the_lag(lagging):
    home, _info = lagging
    scenarios.reset(at="03", home=home)  # its keys were made with the lag on: usable at once
    assert client(home, "aml-packt", "sts").get_caller_identity()["Arn"].endswith(":user/AML@Packt")
    assert console.options(home=home)["lag"] == LAG


def test_a_new_user_key_is_refused_until_it_settles(lagging):
    home, info = lagging
    owner_iam = keys_client(info.url, *_root_pair(home, info))
    owner_iam.create_user(UserName="late-user")
    key = owner_iam.create_access_key(UserName="late-user")["AccessKey"]
    sts = keys_client(info.url, key["AccessKeyId"], key["SecretAccessKey"], "sts")
    with pytest.raises(ClientError) as err:
        sts.get_caller_identity()
    assert code_of(err.value) == "InvalidClientTokenId"
    clock.advance(LAG + 1, home=home)  # the account's clock moves past the lag: no waiting
    assert sts.get_caller_identity()["Arn"].endswith(":user/late-user")


def _root_pair(home, info):
    """The root's key pair at checkpoint 03 (profile root-keys)."""
    text = files.paths(home).credentials.read_text()
    section = text.split("[root-keys]", 1)[1].split("[", 1)[0]
    values = dict(line.split(" = ", 1) for line in section.strip().splitlines() if " = " in line)
    return values["aws_access_key_id"], values["aws_secret_access_key"]


def test_the_credential_report_is_reused_for_four_hours(lagging):
    home, info = lagging
    iam = keys_client(info.url, *_root_pair(home, info))
    assert iam.generate_credential_report()["State"] in ("STARTED", "COMPLETE")
    first = iam.get_credential_report()["Content"].decode()
    iam.create_user(UserName="after-the-report")
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    again = iam.get_credential_report()["Content"].decode()
    assert again == first
    assert "after-the-report" not in {row["user"] for row in csv.DictReader(io.StringIO(again))}
    clock.advance(4 * 3600, home=home)  # four hours later, on the account's clock: a new report
    assert iam.generate_credential_report()["State"] in ("STARTED", "COMPLETE")
    assert "after-the-report" in iam.get_credential_report()["Content"].decode()
    iam.create_user(UserName="after-the-second-report")
    console.options(home=home, lag=0)  # without the lag: a fresh report at once
    iam.generate_credential_report()
    fresh = iam.get_credential_report()["Content"].decode()
    assert "after-the-second-report" in {row["user"] for row in csv.DictReader(io.StringIO(fresh))}


def test_account_access_keys_present_settles_late(lagging):
    home, info = lagging
    key_id, secret = _root_pair(home, info)
    watcher = client(home, "aml-packt")  # IAMReadOnlyAccess: may read the summary
    assert watcher.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 1
    keys_client(info.url, key_id, secret).delete_access_key(AccessKeyId=key_id)
    assert watcher.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 1  # not yet
    clock.advance(LAG + 1, home=home)  # settled, on the account's clock
    assert watcher.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 0
    assert console.root_state(home=home)["access_keys"] == []  # the key itself is gone at once


def test_the_lag_survives_a_stop_and_the_cli_sets_it(sandbox, monkeypatch, capsys):
    home, _info = sandbox
    monkeypatch.setenv("AML_WALKTHROUGH_HOME", str(home))
    assert cli.main(["start", "--lag", "3"]) == 0
    assert "lags 3 s" in capsys.readouterr().out
    server.stop(home)
    server.start(home)
    assert console.options(home=home)["lag"] == 3
    assert cli.main(["start", "--lag", "0"]) == 0
    assert "does not lag" in capsys.readouterr().out
    assert console.options(home=home)["lag"] == 0


def test_options_from_the_environment():
    assert options_from_env({"AML_SANDBOX_LAG": "5", "AML_SANDBOX_MFA_SESSIONS": "1"}) == {
        "lag": 5.0,
        "mfa_sessions": True,
    }
    assert options_from_env({"AML_SANDBOX_MFA_SESSIONS": "0"}) == {"mfa_sessions": False}
    assert options_from_env({}) == {}
