"""Notebook 03's logic against AWS's real error shapes (botocore Stubber; no network)."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError

from helpers.errors import WalkthroughError, explain
from helpers.root_keys import (
    ACCEPT_SENTENCE,
    NOT_ROOT_UNKNOWN,
    ROOT_NO_KEYS,
    check_no_root_keys,
    deactivate_root_keys,
    delete_root_keys,
    observe,
    plan_deactivate,
    plan_delete,
    reactivate_root_key,
    verify_before_delete,
)
from helpers.sources import AwsFiles
from tests.stubs_support import ACCOUNT, NOW, SECRET, keyed_stubs, session_for

ROOT_KEY = "AKIAROOTKEY000000001"
OTHER_KEY = "AKIAROOTKEY000000002"
USER_KEY = "AKIAUSERKEY000000001"
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/AML@Packt"


@pytest.fixture
def stubs(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    yield from keyed_stubs(monkeypatch)


def session(key_id=ROOT_KEY):
    return session_for(key_id)


def who(stubs, arn=ROOT_ARN, key_id=ROOT_KEY):
    stubs.stub(key_id, "sts").add_response(
        "get_caller_identity", {"Account": ACCOUNT, "Arn": arn, "UserId": "AIDAEXAMPLE"}
    )


def root_keys_listed(stubs, keys=((ROOT_KEY, "Active"),), used=None):
    iam = stubs.stub(ROOT_KEY, "iam")
    iam.add_response(
        "list_access_keys",
        {
            "AccessKeyMetadata": [
                {"AccessKeyId": k, "Status": s, "CreateDate": NOW - timedelta(days=400)} for k, s in keys
            ],
            "IsTruncated": False,
        },
    )
    for k, _s in keys:
        last = (used or {}).get(k, {"ServiceName": "iam", "Region": "us-east-1", "LastUsedDate": NOW})
        iam.add_response("get_access_key_last_used", {"UserName": "root", "AccessKeyLastUsed": last})


def observed_root(stubs, **kw):
    who(stubs)
    root_keys_listed(stubs, **kw)


def access_denied(action):
    return (
        "AccessDenied",
        f"User: {USER_ARN} is not authorized to perform: {action} on resource: user AML@Packt because no "
        "identity-based policy allows the iam:DeleteAccessKey action",
    )


@pytest.fixture
def user_files(tmp_path):
    config, creds = tmp_path / "config", tmp_path / "credentials"
    config.write_text("[profile aml-packt]\nregion = us-east-1\n")
    creds.write_text(f"[aml-packt]\naws_access_key_id = {USER_KEY}\naws_secret_access_key = {SECRET}\n")
    return AwsFiles(config, creds)


def test_access_denied_on_delete_names_the_root_user_not_a_traceback(stubs):
    observed_root(stubs)
    code, message = access_denied("iam:DeleteAccessKey")
    stubs.stub(ROOT_KEY, "iam").add_client_error("delete_access_key", code, message, 403)
    with pytest.raises(WalkthroughError) as err:
        delete_root_keys(session(), accepted=ACCEPT_SENTENCE, practice=True)
    assert "iam:DeleteAccessKey" in str(err.value) and "needs the root user" in str(err.value)
    assert SECRET not in str(err.value)


def test_no_such_entity_on_delete_means_already_gone(stubs):
    observed_root(stubs, keys=((OTHER_KEY, "Inactive"), (ROOT_KEY, "Active")))
    iam = stubs.stub(ROOT_KEY, "iam")
    iam.add_client_error(
        "delete_access_key", "NoSuchEntity", f"The Access Key with id {OTHER_KEY} cannot be found.", 404
    )
    iam.add_response("delete_access_key", {}, {"AccessKeyId": ROOT_KEY})
    result = delete_root_keys(session(), accepted=ACCEPT_SENTENCE, practice=True)
    assert result.ok and result.root_session_closed
    assert result.lines()[:2] == [
        f"Root access key {OTHER_KEY} was already deleted.",
        f"Deleted root access key {ROOT_KEY}.",
    ]


def test_invalid_client_token_after_deleting_the_signing_key_is_success(stubs):
    # The delete went through but its answer was lost; the retry, signed with the dead key, is refused.
    observed_root(stubs)
    stubs.stub(ROOT_KEY, "iam").add_client_error(
        "delete_access_key", "InvalidClientTokenId", "The security token included in the request is invalid.", 403
    )
    result = delete_root_keys(session(), accepted=ACCEPT_SENTENCE, practice=True)
    assert result.ok and result.root_session_closed and "no longer accepts it" in result.lines()[0]


def test_network_failure_between_deactivate_and_delete_then_rerun_continues(stubs):
    observed_root(stubs, keys=((OTHER_KEY, "Active"), (ROOT_KEY, "Active")))
    stubs.stub(ROOT_KEY, "iam").add_response("update_access_key", {}, {"AccessKeyId": OTHER_KEY, "Status": "Inactive"})
    assert deactivate_root_keys(session()).ok
    # The network drops during the delete step.
    observed_root(stubs, keys=((OTHER_KEY, "Inactive"), (ROOT_KEY, "Active")))
    iam = stubs.client(ROOT_KEY, "iam")

    def drop(**_kwargs):
        raise EndpointConnectionError(endpoint_url="https://iam.amazonaws.com/")

    iam.delete_access_key = drop  # the call never leaves this machine
    with pytest.raises(EndpointConnectionError) as err:
        delete_root_keys(session(), accepted=ACCEPT_SENTENCE, practice=True)
    assert "Could not reach" in explain(err.value)
    del iam.delete_access_key  # the network is back
    # Run again: the other key is already inactive, nothing to deactivate; the delete finishes.
    observed_root(stubs, keys=((OTHER_KEY, "Inactive"), (ROOT_KEY, "Active")))
    assert "No other active root key" in deactivate_root_keys(session()).lines()[0]
    observed_root(stubs, keys=((OTHER_KEY, "Inactive"), (ROOT_KEY, "Active")))
    stubs.stub(ROOT_KEY, "iam").add_response("delete_access_key", {}, {"AccessKeyId": OTHER_KEY})
    stubs.stub(ROOT_KEY, "iam").add_response("delete_access_key", {}, {"AccessKeyId": ROOT_KEY})
    result = delete_root_keys(session(), accepted=ACCEPT_SENTENCE, practice=True)
    assert result.ok and result.root_session_closed


def test_recent_use_by_another_service_is_warned(stubs, user_files):
    used = {OTHER_KEY: {"ServiceName": "s3", "Region": "eu-west-1", "LastUsedDate": NOW - timedelta(days=2)}}
    observed_root(stubs, keys=((OTHER_KEY, "Inactive"), (ROOT_KEY, "Active")), used=used)
    who(stubs, arn=USER_ARN, key_id=USER_KEY)
    proof = verify_before_delete(session(), user_files, "aml-packt", now=NOW)
    assert proof.ok and proof.user_arn == USER_ARN
    (warning,) = proof.warnings
    assert OTHER_KEY in warning and "s3" in warning and "eu-west-1" in warning
    # An old use by another service is shown, but not warned about.
    old = {OTHER_KEY: {"ServiceName": "s3", "Region": "eu-west-1", "LastUsedDate": NOW - timedelta(days=200)}}
    observed_root(stubs, keys=((OTHER_KEY, "Inactive"), (ROOT_KEY, "Active")), used=old)
    who(stubs, arn=USER_ARN, key_id=USER_KEY)
    proof = verify_before_delete(session(), user_files, "aml-packt", now=NOW)
    assert proof.warnings == () and any("s3 in eu-west-1" in line for line in proof.lines())


def test_verify_when_the_user_key_is_refused(stubs, user_files):
    observed_root(stubs)
    stubs.stub(USER_KEY, "sts").add_client_error(
        "get_caller_identity", "InvalidClientTokenId", "The security token included in the request is invalid.", 403
    )
    proof = verify_before_delete(session(), user_files, "aml-packt")
    assert not proof.ok and "does not know this access key" in proof.problem


def test_verify_refuses_a_profile_in_another_account(stubs, user_files):
    observed_root(stubs)
    stubs.stub(USER_KEY, "sts").add_response(
        "get_caller_identity",
        {"Account": "999988887777", "Arn": "arn:aws:iam::999988887777:user/AML@Packt", "UserId": "AIDA"},
    )
    proof = verify_before_delete(session(), user_files, "aml-packt")
    assert not proof.ok and "999988887777" in proof.problem


def test_caller_without_summary_rights_gets_console_steps(stubs):
    who(stubs, arn=USER_ARN, key_id=USER_KEY)
    code, message = access_denied("iam:GetAccountSummary")
    stubs.stub(USER_KEY, "iam").add_client_error("get_account_summary", code, message, 403)
    obs = observe(session(USER_KEY))
    assert obs.situation == NOT_ROOT_UNKNOWN and "console" in obs.note
    stubs.stub(USER_KEY, "iam").add_client_error("get_account_summary", code, message, 403)
    check = check_no_root_keys(session(USER_KEY))
    assert check.passed is None and check.status == "UNKNOWN" and check.steps[0].startswith("1. ")


def test_summary_zero_passes_and_one_fails(stubs):
    iam = stubs.stub(USER_KEY, "iam")
    iam.add_response("get_account_summary", {"SummaryMap": {"AccountAccessKeysPresent": 0}})
    iam.add_response("get_account_summary", {"SummaryMap": {"AccountAccessKeysPresent": 1}})
    assert check_no_root_keys(session(USER_KEY)).passed is True
    failed = check_no_root_keys(session(USER_KEY))
    assert failed.passed is False and "only the root user".casefold() in failed.message.casefold()


def test_reactivation_with_a_dead_signing_key_points_to_the_console(stubs):
    stubs.stub(ROOT_KEY, "iam").add_client_error(
        "update_access_key", "InvalidClientTokenId", "The security token included in the request is invalid.", 403
    )
    with pytest.raises(WalkthroughError) as err:
        reactivate_root_key(session(), OTHER_KEY)
    assert "console" in str(err.value) and "Actions > Activate" in str(err.value)


def test_root_without_keys_has_nothing_to_do(stubs):
    observed_root(stubs, keys=())
    obs = observe(session())
    assert obs.situation == ROOT_NO_KEYS and obs.done and not obs.can_delete
    assert obs.lines()[-1] == "The root user has no access keys."
    assert plan_delete(obs).empty and plan_deactivate(obs).empty
    observed_root(stubs, keys=())
    result = delete_root_keys(session(), accepted=ACCEPT_SENTENCE, practice=False)
    assert result.ok and not result.root_session_closed and "nothing to delete" in result.lines()[0]


# --- temporary root credentials (`aws login`): AWS wants a UserName for key calls with an ASIA key ----------

TEMP_KEY = "ASIAROOTLOGIN0000001"


def temp_root_session():
    return boto3.Session(
        aws_access_key_id=TEMP_KEY, aws_secret_access_key=SECRET, aws_session_token="token", region_name="us-east-1"
    )


def test_temporary_root_credentials_never_list_keys_and_say_why_no_keys_is_good(stubs):
    from helpers.identity import uses_temporary_credentials

    assert uses_temporary_credentials(temp_root_session()) and not uses_temporary_credentials(session())
    who(stubs, key_id=TEMP_KEY)
    # Only the summary: a ListAccessKeys here would be a pending-call failure of the Stubber (AWS refuses it).
    stubs.stub(TEMP_KEY, "iam").add_response("get_account_summary", {"SummaryMap": {"AccountAccessKeysPresent": 0}})
    obs = observe(temp_root_session())
    assert obs.caller_is_root and obs.situation == ROOT_NO_KEYS and obs.done
    assert (
        "You signed in with `aws login`: no root access keys exist, which is what this notebook wants." in obs.lines()
    )


def test_temporary_root_credentials_with_root_keys_left_point_to_the_console(stubs):
    who(stubs, key_id=TEMP_KEY)
    stubs.stub(TEMP_KEY, "iam").add_response("get_account_summary", {"SummaryMap": {"AccountAccessKeysPresent": 1}})
    obs = observe(temp_root_session())
    assert not obs.done and not obs.can_delete
    assert "need a UserName" in " ".join(obs.lines())
    who(stubs, key_id=TEMP_KEY)
    stubs.stub(TEMP_KEY, "iam").add_response("get_account_summary", {"SummaryMap": {"AccountAccessKeysPresent": 1}})
    with pytest.raises(WalkthroughError, match="delete them in the console"):
        deactivate_root_keys(temp_root_session())
