"""errors.is_access_denied and reads.read_or_why: one meaning of "refused", one way to record an unread part."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from helpers.errors import WalkthroughError, is_access_denied
from helpers.reads import read_or_why


def _error(code: str, operation: str = "GetAccountSummary") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "no"}}, operation)


def _raise(exc: Exception):
    def call():
        raise exc

    return call


@pytest.mark.parametrize("code", ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"])
def test_every_spelling_of_denied_is_denied(code):
    assert is_access_denied(_error(code))


@pytest.mark.parametrize("exc", [_error("NoSuchEntity"), _error("InvalidClientTokenId"), ValueError("AccessDenied")])
def test_other_errors_are_not_denied(exc):
    assert not is_access_denied(exc)


def test_an_answer_comes_back_with_no_reason():
    assert read_or_why(lambda: {"Users": 1}, lambda exc: "denied") == ({"Users": 1}, None)


def test_a_refusal_gives_the_callers_reason_built_from_the_error():
    value, why = read_or_why(_raise(_error("AccessDenied")), lambda exc: f"lacks iam:{exc.operation_name}")
    assert (value, why) == (None, "lacks iam:GetAccountSummary")


def test_an_absent_entity_is_no_answer_and_nothing_to_record():
    assert read_or_why(_raise(_error("NoSuchEntity")), lambda exc: "denied", absent={"NoSuchEntity"}) == (None, None)


def test_another_error_is_recorded_as_a_sentence():
    value, why = read_or_why(_raise(_error("LimitExceeded")), lambda exc: "denied")
    assert value is None and why.startswith("An IAM limit was reached")


def test_errors_every_call_would_hit_raise_one_sentence():
    with pytest.raises(WalkthroughError, match="does not know this access key"):
        read_or_why(_raise(_error("InvalidClientTokenId")), lambda exc: "denied")
    with pytest.raises(WalkthroughError):
        read_or_why(_raise(EndpointConnectionError(endpoint_url="http://127.0.0.1:1")), lambda exc: "denied")


def test_without_why_other_anything_but_a_refusal_reaches_the_caller_unchanged():
    dead = _error("InvalidClientTokenId")
    with pytest.raises(ClientError) as raised:
        read_or_why(_raise(dead), lambda exc: "iam:ListAccessKeys", why_other=None)
    assert raised.value is dead
    assert read_or_why(_raise(_error("AccessDenied")), lambda exc: "iam:ListAccessKeys", why_other=None) == (
        None,
        "iam:ListAccessKeys",
    )


def test_a_default_stands_for_an_unread_part_but_a_none_answer_stays_none():
    assert read_or_why(_raise(_error("AccessDenied")), lambda exc: "no", default=[]) == ([], "no")
    assert read_or_why(_raise(_error("NotImplemented")), lambda exc: "no", absent={"NotImplemented"}, default=[]) == (
        [],
        None,
    )
    assert read_or_why(lambda: None, lambda exc: "no", default=[]) == (None, None)
