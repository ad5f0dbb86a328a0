"""Issue 9, real-AWS shapes: what only AWS does, through the helpers' public functions, without an account.

botocore's Stubber (and, for retries, a ``before-send`` hook that answers like AWS over the wire)
stands in for AWS: the root's identity ARN, throttling after botocore's retries, AccessDenied in
AWS's exact wording, InvalidAuthenticationCode, EntityTemporarilyUnmodifiable, and a new key that
is not valid for a few seconds. The last tests check the practice account's answers to the two
IAM actions moto lacks (ResyncMFADevice, ListServiceSpecificCredentials).
"""

from __future__ import annotations

import time

import boto3
import pyotp
import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

from helpers import aws
from helpers.errors import WalkthroughError, explain

ACCOUNT = "123456789012"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/AML@Packt"


@pytest.fixture
def fake_keys(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE",
        "AWS_SECRET_ACCESS_KEY": "fake/fake/fake/fake/fake/fake/fake/fake0",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def stubbed(fake_keys, monkeypatch):
    """aws.client() hands out stubbed clients (one per service), as every helper builds its clients."""
    clients: dict[str, tuple] = {}
    session = boto3.Session(region_name="us-east-1")

    def client(_session, service):
        if service not in clients:
            real = session.client(service, config=aws.CLIENT_CONFIG, endpoint_url="https://unused.invalid")
            stub = Stubber(real)
            stub.activate()
            clients[service] = (real, stub)
        return clients[service][0]

    monkeypatch.setattr(aws, "client", client)

    def stub(service: str) -> Stubber:
        client(None, service)
        return clients[service][1]

    yield session, stub
    for _real, s in clients.values():
        s.assert_no_pending_responses()


def denied(action: str, resource: str) -> str:
    return f"User: {USER_ARN} is not authorized to perform: {action} on resource: {resource}"


def test_root_identity_arn_is_the_root_user(stubbed):
    from helpers.credentials.identity import prove_session
    from helpers.identity import ROOT

    session, stub = stubbed
    stub("sts").add_response(
        "get_caller_identity", {"UserId": ACCOUNT, "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:root"}
    )
    who = prove_session(session)
    assert who.kind == ROOT and who.is_root and who.account_id == ACCOUNT


def test_throttling_is_retried_by_botocore_then_said_in_a_sentence(fake_keys):
    """AWS answers Throttling on the wire every time: botocore retries (4 attempts), then one sentence."""
    from helpers.credentials.identity import prove_session

    body = (
        b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
        b"<Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>"
    )
    calls = []

    def answer(request, **_):
        calls.append(request.url)
        return AWSResponse(request.url, 400, {"Content-Type": "text/xml"}, _Raw(body))

    session = boto3.Session(region_name="us-east-1")
    session.events.register("before-send.sts.GetCallerIdentity", answer)
    # Retries sleep with jitter; keep the test quick without changing botocore's decisions.
    import botocore.retries.standard as standard

    original = standard.ExponentialBackoff.delay_amount
    standard.ExponentialBackoff.delay_amount = lambda self, ctx: 0
    try:
        with pytest.raises(WalkthroughError) as caught:
            prove_session(session)
    finally:
        standard.ExponentialBackoff.delay_amount = original
    # helpers.aws: standard mode, max_attempts=4 (botocore reads it as retries: 1 call + 4 retries).
    assert len(calls) == 5
    assert "throttling" in str(caught.value) and "Wait a minute" in str(caught.value)


class _Raw:
    """A urllib3-like raw body for AWSResponse."""

    def __init__(self, data: bytes):
        self._data = data

    def stream(self, *_args, **_kwargs):
        yield self._data

    def read(self, *_args, **_kwargs):
        data, self._data = self._data, b""
        return data


def refuses(stubber, operation: str, code: str, message: str, status: int = 403) -> None:
    """Queue AWS's refusal of *operation*: error *code* with *message*, HTTP *status*."""
    stubber.add_client_error(operation, service_error_code=code, service_message=message, http_status_code=status)


def test_access_denied_in_aws_wording_names_the_permission(stubbed):
    from helpers.mfa import devices

    session, stub = stubbed
    refuses(stub("iam"), "list_mfa_devices", "AccessDenied", denied("iam:ListMFADevices", USER_ARN))
    with pytest.raises(WalkthroughError) as caught:
        devices.list_devices(session, "AML@Packt")
    assert "may not call iam:ListMFADevices (AccessDenied)" in str(caught.value)


def test_access_denied_explained_keeps_the_action_and_arn_only(stubbed):
    from botocore.exceptions import ClientError

    session, stub = stubbed
    refuses(stub("iam"), "create_user", "AccessDenied", denied("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/bob"))
    with pytest.raises(ClientError) as caught:
        aws.client(session, "iam").create_user(UserName="bob")
    text = explain(caught.value)
    assert "iam:CreateUser" in text and USER_ARN in text


def test_invalid_authentication_code_says_why_from_the_seed(stubbed):
    from helpers.mfa import devices

    session, stub = stubbed
    seed = pyotp.random_base32()
    device = devices.NewDevice(f"arn:aws:iam::{ACCOUNT}:mfa/aml-phone", b"", seed)
    totp, step = pyotp.TOTP(seed), int(time.time() // 30)
    code1, code2 = totp.at((step - 1) * 30), totp.at(step * 30)
    refuses(
        stub("iam"), "enable_mfa_device", "InvalidAuthenticationCode", "Authentication code for device is not valid."
    )
    with pytest.raises(WalkthroughError) as caught:
        devices.enable_device(session, "AML@Packt", device, code1, code2)
    # Right, consecutive, fresh: AWS refused anyway, so they were used already or the clock is off.
    assert "AWS refused the codes" in str(caught.value) and "each code works only once" in str(caught.value)
    assert seed not in str(caught.value)


def test_entity_temporarily_unmodifiable_says_wait_and_rerun(stubbed):
    from helpers.mfa import devices

    session, stub = stubbed
    serial = f"arn:aws:iam::{ACCOUNT}:mfa/aml-phone"
    stub("iam").add_response(
        "list_mfa_devices",
        {"MFADevices": [{"UserName": "AML@Packt", "SerialNumber": serial, "EnableDate": "2026-01-01T00:00:00Z"}]},
    )
    refuses(
        stub("iam"),
        "deactivate_mfa_device",
        "EntityTemporarilyUnmodifiable",
        "Cannot modify entity AML@Packt, entity is temporarily unmodifiable.",
        status=409,
    )
    with pytest.raises(WalkthroughError) as caught:
        devices.remove_device(session, "AML@Packt", f"arn:aws:iam::{ACCOUNT}:mfa/aml-phone")
    assert "still busy with a recent change" in str(caught.value) and "Wait a few seconds" in str(caught.value)


def new_key_profile(tmp_path):
    """AWS files holding profile aml-packt with a key just created (what notebook 02 saves)."""
    from helpers.sources import AwsFiles

    files = AwsFiles(tmp_path / "config", tmp_path / "credentials")
    files.config_file.write_text("[profile aml-packt]\nregion = us-east-1\n")
    files.credentials_file.write_text(
        "[aml-packt]\naws_access_key_id = AKIANEWNEWNEWNEWNEW1\naws_secret_access_key = " + "n" * 40 + "\n"
    )
    return files


def test_a_new_key_not_yet_valid_is_waited_for(stubbed, tmp_path):
    """AWS: a key created a second ago answers InvalidClientTokenId for a few seconds, then works."""
    from helpers.users.switching import wait_until_live

    _session, stub = stubbed
    files = new_key_profile(tmp_path)
    sts = stub("sts")
    for _ in range(3):
        refuses(
            sts, "get_caller_identity", "InvalidClientTokenId", "The security token included in the request is invalid."
        )
    sts.add_response("get_caller_identity", {"UserId": "AIDAEXAMPLE", "Account": ACCOUNT, "Arn": USER_ARN})
    slept, said = [], []
    clock = iter(range(100))
    arn = wait_until_live(files, "aml-packt", say=said.append, sleep=slept.append, clock=lambda: next(clock))
    assert arn == USER_ARN and len(slept) == 3 and slept == sorted(slept)  # backing off
    # One line at the first refusal, then visible progress at each later retry (up to about a minute).
    assert said[0] == "A new access key takes a few seconds to work on AWS; checking again..."
    assert len(said) == 3 and all(line.startswith("Still waiting for the new key:") for line in said[1:])
    assert said[-1].endswith("of up to 60 s.")


def test_a_key_that_never_becomes_valid_gives_up_with_a_sentence(stubbed, tmp_path):
    from helpers.users.switching import wait_until_live

    _session, stub = stubbed
    files = new_key_profile(tmp_path)
    sts = stub("sts")
    for _ in range(2):
        sts.add_client_error("get_caller_identity", service_error_code="InvalidClientTokenId", http_status_code=403)
    now = iter(range(0, 100, 10))  # ten seconds pass between looks
    with pytest.raises(WalkthroughError) as caught:
        wait_until_live(files, "aml-packt", timeout=20, sleep=lambda s: None, clock=lambda: next(now))
    assert "still does not work after 20 s" in str(caught.value)


# ------------------------------------------------------------------ the practice account's answers
@pytest.fixture(scope="module")
def practice(tmp_path_factory):
    from tests import lesson_support as ls

    with ls.practice(tmp_path_factory.mktemp("shapes") / "state") as p:
        yield p


def test_sandbox_lists_no_service_specific_credentials(practice):
    iam = practice.root_client()
    answer = iam.list_service_specific_credentials()
    assert answer["ServiceSpecificCredentials"] == []


def test_sandbox_resyncs_a_device_with_two_fresh_consecutive_codes(practice):
    iam = practice.root_client()
    iam.create_user(UserName="resync-me")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="resync-phone")["VirtualMFADevice"]
    serial, seed = device["SerialNumber"], device["Base32StringSeed"].decode()
    totp, step = pyotp.TOTP(seed), int(time.time() // 30)
    enable = totp.at((step - 2) * 30), totp.at((step - 1) * 30)
    iam.enable_mfa_device(
        UserName="resync-me", SerialNumber=serial, AuthenticationCode1=enable[0], AuthenticationCode2=enable[1]
    )
    with pytest.raises(iam.exceptions.InvalidAuthenticationCodeException):
        iam.resync_mfa_device(
            UserName="resync-me", SerialNumber=serial, AuthenticationCode1="000000", AuthenticationCode2="111111"
        )
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.resync_mfa_device(
            UserName="resync-me",
            SerialNumber=serial + "-gone",
            AuthenticationCode1=enable[0],
            AuthenticationCode2=enable[1],
        )
    # Two consecutive codes in the window: accepted, and remembered as used.
    fresh = totp.at(step * 30), totp.at((step + 1) * 30)
    iam.resync_mfa_device(
        UserName="resync-me", SerialNumber=serial, AuthenticationCode1=fresh[0], AuthenticationCode2=fresh[1]
    )
    iam.deactivate_mfa_device(UserName="resync-me", SerialNumber=serial)
    with pytest.raises(iam.exceptions.InvalidAuthenticationCodeException):  # used by the resync
        iam.enable_mfa_device(
            UserName="resync-me", SerialNumber=serial, AuthenticationCode1=fresh[0], AuthenticationCode2=fresh[1]
        )
