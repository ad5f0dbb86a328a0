"""Stubbed AWS clients keyed on the signing key, for tests that prove which credentials signed which call.

``KeyedStubs`` replaces ``helpers.aws.client`` (``monkeypatch.setattr(aws, "client", stubs)``): each
(access key ID, service) gets its own client with an active botocore ``Stubber``, so a call signed with
an unexpected key finds no queued answer and fails. No request leaves the process.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import boto3
from botocore.stub import Stubber

from helpers import aws

ACCOUNT = "123456789012"
SECRET = "x" * 40  # a fake secret: the stubbed clients never send a request
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)  # the tests' fixed moment


def session_for(key_id: str) -> boto3.Session:
    """A session signing with *key_id* (and the fake ``SECRET``), as a learner's profile would."""
    return boto3.Session(aws_access_key_id=key_id, aws_secret_access_key=SECRET, region_name="us-east-1")


class KeyedStubs:
    """Replaces ``helpers.aws.client``: one stubbed client per (signing key, service)."""

    def __init__(self) -> None:
        self.stubbers: dict[tuple[str, str], tuple[object, Stubber]] = {}
        self.tokens: dict[str, str | None] = {}  # access key ID -> the session token it signed with

    def __call__(self, session, service):
        creds = session.get_credentials().get_frozen_credentials()
        self.tokens[creds.access_key] = creds.token
        return self.client(creds.access_key, service)

    def _get(self, key_id: str, service: str) -> tuple[object, Stubber]:
        if (key_id, service) not in self.stubbers:
            client = session_for(key_id).client(service)
            stub = Stubber(client)
            stub.activate()
            self.stubbers[(key_id, service)] = (client, stub)
        return self.stubbers[(key_id, service)]

    def client(self, key_id: str, service: str):
        return self._get(key_id, service)[0]

    def stub(self, key_id: str, service: str) -> Stubber:
        return self._get(key_id, service)[1]

    def done(self) -> None:
        """Every queued answer was used (call at the end of the test's fixture)."""
        for _client, stub in self.stubbers.values():
            stub.assert_no_pending_responses()


def keyed_stubs(monkeypatch) -> Iterator[KeyedStubs]:
    """A fixture's body: ``helpers.aws.client`` answers from ``KeyedStubs``; every queued answer must be used."""
    fake = KeyedStubs()
    monkeypatch.setattr(aws, "client", fake)
    yield fake
    fake.done()


def fake_credentials_env(monkeypatch) -> None:
    """Fake keys in the environment and no instance-metadata lookup: a plain client signs, nothing leaves."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKEFAKE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake" * 10)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
