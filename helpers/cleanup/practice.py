"""The practice account's side of notebook 06 and the workshop tools.

Reached only through the practice account source's optional hooks (``checkpoints()``,
``reset_to(checkpoint)``, ``owner_session()``): the rest of the walkthrough calls those hooks
on whatever account source is chosen and never imports this module. It is the one place
outside the practice account's own package that knows how that account is built.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3

from helpers import aws
from helpers.errors import WalkthroughError
from helpers.sources import AwsFiles
from helpers.textfiles import write_atomic

_PROFILE = "console-root"


def checkpoints() -> dict[str, str]:
    """Checkpoint "NN" -> what the account looks like at the start of notebook NN."""
    from helpers.sandbox import scenarios

    return dict(scenarios.CHECKPOINTS)


def reset_to(checkpoint: str, home: Path | None = None) -> str:
    """Rebuild the practice account (and its profiles) as at the start of notebook *checkpoint*."""
    from helpers.sandbox import scenarios

    valid = checkpoints()
    nn = str(checkpoint).strip().zfill(2)
    if nn not in valid:
        raise WalkthroughError(
            f"There is no checkpoint {checkpoint!r}: choose one of {', '.join(valid)} "
            "(the number of the notebook you want to start)."
        )
    scenarios.reset(at=nn, home=home)
    return f"The practice account is now as at the start of notebook {nn}: {valid[nn]}"


@contextmanager
def owner_session(home: Path | None = None) -> Iterator[boto3.Session]:
    """A session acting as the root user signed in to the console, for as long as the block lasts.

    The console stand-in hands out a short-lived root access key (kept in memory only, never in a
    file) and the key is deleted again when the block ends, signed with itself: the root's keys
    stay deleted, as notebook 03 left them.
    """
    from helpers.sandbox import console, server

    info = server.ensure_running(home)
    key = console.create_root_access_key(home=home)
    session = _session_for(key.access_key_id, key.secret_access_key, info.url)
    try:
        yield session
    finally:
        aws.client(session, "iam").delete_access_key(AccessKeyId=key.access_key_id)


def _session_for(key_id: str, secret: str, url: str) -> boto3.Session:
    # The one session factory reads profiles from files: write a private pair (0700 folder,
    # 0600 files), let botocore load them once, and delete them at once. The endpoint comes
    # from the profile, so this session can never reach a real AWS endpoint.
    folder = Path(tempfile.mkdtemp(prefix="aml-owner-"))
    try:
        files = AwsFiles(folder / "config", folder / "credentials")
        write_atomic(files.config_file, f"[profile {_PROFILE}]\nregion = us-east-1\nendpoint_url = {url}\n")
        write_atomic(
            files.credentials_file, f"[{_PROFILE}]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
        )
        session = aws.make_session(files, _PROFILE)
        session.get_credentials()  # read once, now, while the file exists
        if aws.client(session, "iam").meta.endpoint_url != url:
            raise WalkthroughError("The practice account's endpoint was not applied; nothing was changed.")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return session
