"""helpers.errors (one sentence, no secret), helpers.textfiles (atomic 0600), helpers.identity."""

import os
import stat

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ProfileNotFound

from helpers import errors, identity, textfiles

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def client_error(code, message=""):
    return ClientError({"Error": {"Code": code, "Message": message}}, "GetCallerIdentity")


@pytest.mark.parametrize(
    "code, words",
    [
        ("InvalidClientTokenId", "does not know this access key ID"),
        ("SignatureDoesNotMatch", "secret access key does not match"),
        ("AccessDenied", "not allowed"),
        ("ExpiredToken", "expired"),
        ("RequestTimeTooSkewed", "clock"),
        ("Throttling", "throttling"),
        ("EntityAlreadyExists", "already exists"),
        ("LimitExceeded", "limit"),
        ("NoSuchEntity", "does not exist"),
        ("DeleteConflict", "refuses to delete"),
    ],
)
def test_each_code_gets_a_sentence_and_a_next_step(code, words):
    text = errors.explain(client_error(code))
    assert words in text
    assert text.count(".") >= 2  # what happened. what to do.


def test_permission_named_but_request_data_never_echoed():
    msg = (
        "User: arn:aws:iam::123456789012:user/AML@Packt is not authorized to perform: iam:DeleteAccessKey "
        f"because the secret {SECRET} was wrong"
    )
    text = errors.explain(client_error("AccessDenied", msg))
    assert "iam:DeleteAccessKey" in text and "arn:aws:iam::123456789012:user/AML@Packt" in text
    assert SECRET not in text


def test_unknown_code_and_non_aws_errors():
    assert "(Weird)" in errors.explain(client_error("Weird"))
    assert "make lab" in errors.explain(EndpointConnectionError(endpoint_url="http://127.0.0.1:5000"))
    assert "http://x" in errors.explain(EndpointConnectionError(endpoint_url="http://x"))
    assert "'nope'" in errors.explain(ProfileNotFound(profile="nope"))
    assert errors.explain(errors.WalkthroughError("Do this.")) == "Do this."
    assert errors.error_code(ValueError()) is None


def test_write_atomic_creates_0600_and_replaces(tmp_path):
    target = tmp_path / "sub" / "credentials"
    textfiles.write_atomic(target, "one")
    textfiles.write_atomic(target, "two")
    assert target.read_text() == "two"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["credentials"]  # no temp file left


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "credentials"
    target.write_text("old")

    def broken(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        textfiles.write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["credentials"]


def test_backup_is_a_0600_copy(tmp_path):
    target = tmp_path / "credentials"
    assert textfiles.backup(target) is None
    target.write_text("data")
    copy = textfiles.backup(target)
    assert copy.read_text() == "data" and copy.name.startswith("credentials.bak-")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "arn, kind, name",
    [
        ("arn:aws:iam::123456789012:root", identity.ROOT, ""),
        ("arn:aws:iam::123456789012:user/AML@Packt", identity.IAM_USER, "AML@Packt"),
        ("arn:aws:iam::123456789012:user/team/AML@Packt", identity.IAM_USER, "AML@Packt"),
        ("arn:aws:sts::123456789012:assumed-role/Admin/alice", identity.ASSUMED_ROLE, "Admin/alice"),
        ("arn:aws:sts::123456789012:federated-user/bob", identity.FEDERATED_USER, "bob"),
        ("arn:aws:iam::123456789012:something", identity.OTHER, "something"),
    ],
)
def test_classify_arn(arn, kind, name):
    found = identity.classify_arn(arn)
    assert (found.kind, found.name) == (kind, name)


def test_a_notice_is_a_string_that_jupyter_shows_without_quotes():
    from helpers.notice import Notice

    said = Notice("Done <now>.", ok=False)
    assert said == "Done <now>." and "Done" in said and repr(said) == "Done <now>."
    assert "&lt;now&gt;" in said._repr_html_() and "#ef6c00" in said._repr_html_()
    assert "#2e7d32" in Notice("Fine.")._repr_html_()


def test_backup_keeps_the_newest_three_copies_each_0600(tmp_path):
    from datetime import datetime, timedelta, timezone

    target = tmp_path / "credentials"
    other = tmp_path / "config"
    other.write_text("cfg")
    textfiles.backup(other)
    start = datetime(2026, 11, 29, 20, 0, tzinfo=timezone.utc)
    made = []
    for n in range(6):
        target.write_text(f"version {n}")
        made.append(textfiles.backup(target, now=start + timedelta(seconds=n)))
    kept = textfiles.backups_of(target)
    assert kept == made[-3:]
    assert [p.read_text() for p in kept] == ["version 3", "version 4", "version 5"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in kept)
    assert len(textfiles.backups_of(other)) == 1  # another file's backups are not counted or touched
    # No temp file is left behind, and an existing backup is never overwritten.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    with pytest.raises(FileExistsError):
        textfiles.backup(target, now=start + timedelta(seconds=5))
    assert made[-1].read_text() == "version 5"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_bootstrap_writes_its_venv_error_to_a_private_temp_file_and_removes_it(tmp_path):
    import shutil
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    (tmp_path / "scripts").mkdir()
    shutil.copy(root / "scripts" / "bootstrap.sh", tmp_path / "scripts")
    fake, tmp = tmp_path / "bin", tmp_path / "tmp"
    fake.mkdir()
    tmp.mkdir()
    # A Python that passes the version check but whose venv module is missing (Debian without python3-venv).
    script = '#!/bin/sh\nif [ "$1" = "-m" ]; then echo "ensurepip is not available" >&2; exit 1; fi\nexit 0\n'
    for name in ("python3.13", "python3.12", "python3.11", "python3.10", "python3", "python"):
        (fake / name).write_text(script)
        (fake / name).chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "HOME": str(tmp_path), "TMPDIR": str(tmp)}
    done = subprocess.run(["bash", "scripts/bootstrap.sh"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert "Could not create a virtual environment" in done.stderr
    assert "ensurepip is not available" in done.stderr  # the reason is shown, then the file goes
    assert list(tmp.iterdir()) == []
    assert "aml-venv-error.$$" not in (root / "scripts" / "bootstrap.sh").read_text()
