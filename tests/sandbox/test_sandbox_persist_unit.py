"""The saved-state format itself (helpers.sandbox.persist), with moto in-process: fast, no server."""

from __future__ import annotations

import threading

import boto3
import pytest
from moto import mock_aws
from moto.core.base_backend import BackendDict

from helpers.sandbox import persist

S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
DOC = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}'


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield boto3.Session(region_name="us-east-1")


def test_a_saved_account_comes_back_whole_without_the_untouched_managed_policies(aws, tmp_path):
    iam = aws.client("iam")
    iam.create_group(GroupName="g")
    iam.attach_group_policy(GroupName="g", PolicyArn=S3_READ)
    iam.create_user(UserName="u")
    iam.add_user_to_group(GroupName="g", UserName="u")
    mine = iam.create_policy(PolicyName="mine", PolicyDocument=DOC)
    key = iam.create_access_key(UserName="u")["AccessKey"]["AccessKeyId"]
    aws.client("s3").create_bucket(Bucket="kept-bucket")
    policies_before = [p["Arn"] for p in iam.list_policies(MaxItems=1000)["Policies"]]
    path = tmp_path / "state.pickle"
    persist.save(path, {"scenario": "checkpoint-04", "secrets": {"s3cr3t"}})
    assert path.stat().st_size < 200_000  # about 1,500 untouched AWS policies per account are left out

    BackendDict.reset()  # a new process: empty
    assert iam.list_users()["Users"] == []
    payload = persist.load(path)
    persist.install(payload)
    assert payload["layer"] == {"scenario": "checkpoint-04", "secrets": {"s3cr3t"}}
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["u"]
    assert [k["AccessKeyId"] for k in iam.list_access_keys(UserName="u")["AccessKeyMetadata"]] == [key]
    assert iam.get_policy(PolicyArn=S3_READ)["Policy"]["AttachmentCount"] == 1
    assert iam.get_policy(PolicyArn=mine["Policy"]["Arn"])["Policy"]["PolicyName"] == "mine"
    assert [p["Arn"] for p in iam.list_policies(MaxItems=1000)["Policies"]] == policies_before
    assert [b["Name"] for b in aws.client("s3").list_buckets()["Buckets"]] == ["kept-bucket"]
    iam.detach_group_policy(GroupName="g", PolicyArn=S3_READ)  # the restored objects are live
    assert iam.get_policy(PolicyArn=S3_READ)["Policy"]["AttachmentCount"] == 0


def test_a_backend_that_cannot_be_pickled_is_named_and_the_rest_is_saved(aws, tmp_path):
    aws.client("iam").create_user(UserName="u")
    aws.client("s3").create_bucket(Bucket="b-1-2-3")
    from moto.s3.models import s3_backends

    s3_backends[next(iter(s3_backends))]["aws"].odd_member = threading.Lock()
    path = tmp_path / "state.pickle"
    assert persist.save(path, {}) == ["s3"]
    BackendDict.reset()
    persist.install(persist.load(path))
    assert [u["UserName"] for u in aws.client("iam").list_users()["Users"]] == ["u"]


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "damaged"),
        (b"not a state file at all", "damaged"),
        (b"AMLSANDBOXSTATE\n{not json}\nxxx", "damaged"),
        (b'AMLSANDBOXSTATE\n{"format": 1, "moto": "0.1", "python": [3, 11]}\nxxx', "another version"),
    ],
)
def test_an_unreadable_file_says_why_without_loading_it(tmp_path, content, reason):
    path = tmp_path / "state.pickle"
    path.write_bytes(content)
    with pytest.raises(persist.StateUnreadable, match=reason):
        persist.load(path)


def test_no_file_is_no_state_and_a_symlink_is_not_followed(tmp_path):
    assert persist.load(tmp_path / "missing") is None
    (tmp_path / "link").symlink_to(tmp_path / "missing")
    with pytest.raises(persist.StateUnreadable, match="could not be opened"):
        persist.load(tmp_path / "link")


def test_the_file_is_0600_and_replaced_atomically(tmp_path):
    path = tmp_path / "state.pickle"
    persist.write_bytes_atomic(path, b"one")
    persist.write_bytes_atomic(path, b"two")
    assert path.read_bytes() == b"two" and oct(path.stat().st_mode & 0o777) == oct(0o600)
    assert [p.name for p in tmp_path.iterdir()] == ["state.pickle"]
