"""Issue 15: creating an MFA device never deletes one the learner did not create in this flow (moto, in process).

moto keeps virtual devices by name and answers EntityAlreadyExists for a second one, as AWS does;
``aws.client`` is pointed at moto's in-process IAM so no request leaves the process.
"""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from helpers.mfa import devices
from tests.stubs_support import fake_credentials_env

USER = "AML@Packt"


@pytest.fixture
def iam(monkeypatch):
    fake_credentials_env(monkeypatch)
    with mock_aws():
        client = boto3.session.Session(region_name="us-east-1").client("iam")
        client.create_user(UserName=USER)
        client.create_user(UserName="colleague")
        monkeypatch.setattr(devices.aws, "client", lambda _session, _service: client)
        devices.forget_unfinished()
        yield client
        devices.forget_unfinished()


def serials(iam, status="Any") -> list[str]:
    return [d["SerialNumber"] for d in iam.list_virtual_mfa_devices(AssignmentStatus=status)["VirtualMFADevices"]]


def test_a_name_taken_by_someone_elses_unfinished_enrolment_is_refused_and_left_alone(iam):
    theirs = iam.create_virtual_mfa_device(VirtualMFADeviceName="phone")["VirtualMFADevice"]["SerialNumber"]
    for start_over in (False, True):
        with pytest.raises(devices.NameTaken) as taken:
            devices.create_device(None, USER, "phone", start_over=start_over)
        assert str(taken.value) == "The device name phone is taken (an unfinished enrolment); choose another name."
        assert taken.value.own is False and taken.value.name == "phone"
    assert serials(iam) == [theirs]
    # Another name works, and the other device is still there.
    device, notes = devices.create_device(None, USER, "phone-2")
    assert notes == [] and sorted(serials(iam)) == sorted([theirs, device.serial])


def test_another_users_attempt_in_the_same_kernel_is_not_the_learners_own(iam):
    devices.create_device(None, "colleague", "phone")
    with pytest.raises(devices.NameTaken) as taken:
        devices.create_device(None, USER, "phone", start_over=True)
    assert not taken.value.own
    assert len(serials(iam)) == 1


def test_the_learners_own_earlier_attempt_gets_a_choice_and_start_over_replaces_only_it(iam):
    first, _ = devices.create_device(None, USER, "phone")
    assert devices.unfinished_device(USER, "phone") == first.serial
    with pytest.raises(devices.NameTaken) as taken:
        devices.create_device(None, USER, "phone")
    assert taken.value.own
    assert str(taken.value).startswith("You created a device named phone earlier in this notebook and did not enable")
    assert "Choose 'Start over'" in str(taken.value) and "or type another name" in str(taken.value)
    assert serials(iam) == [first.serial]  # the choice is the learner's: nothing deleted yet
    plan = devices.plan_new_device(None, USER, "phone", start_over=True)
    first_line = str(plan.changes[0])
    assert first_line == "Would delete unfinished virtual MFA device phone (created earlier in this notebook)."
    second, notes = devices.create_device(None, USER, "phone", start_over=True)
    assert notes == [
        "Your unfinished device phone from earlier in this notebook was deleted and created again: "
        "scan the new QR code."
    ]
    assert second.seed != first.seed and serials(iam) == [second.serial]
    assert devices.unfinished_device(USER, "phone") == second.serial
    # A new kernel (nothing remembered) cannot tell it is the learner's: the name is simply taken.
    devices.forget_unfinished()
    with pytest.raises(devices.NameTaken) as taken:
        devices.create_device(None, USER, "phone", start_over=True)
    assert not taken.value.own
    assert serials(iam) == [second.serial]


def test_a_name_error_never_quotes_what_was_typed():
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1"
    for typed, why in ((secret, "characters AWS does not allow"), ("my phone", "spaces"), ("", "empty")):
        with pytest.raises(devices.WalkthroughError) as info:
            devices.check_device_name(typed)
        assert why in str(info.value)
        assert typed == "" or typed not in str(info.value)
