"""The practice account's side of notebook 06 and the workshop tools: checkpoints and the owner session.

Reached only through the account source's optional hooks (``SandboxAccount.checkpoints()``,
``reset_to(checkpoint)``, ``owner_session()``, see ``helpers.sources.PracticeHooks``): the rest of the
walkthrough calls those hooks on whatever account source is chosen and never imports this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3

from helpers import aws
from helpers.errors import WalkthroughError
from helpers.sandbox import console, scenarios, server


def checkpoints() -> dict[str, str]:
    """Checkpoint "NN" -> what the account looks like at the start of notebook NN."""
    return dict(scenarios.CHECKPOINTS)


def reset_to(checkpoint: str, home: Path | None = None) -> str:
    """Rebuild the practice account (and its profiles) as at the start of notebook *checkpoint*."""
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
    info = server.ensure_running(home)
    key = console.create_root_access_key(home=home)
    session = aws.session_from_keys(key.access_key_id, key.secret_access_key, settings={"endpoint_url": info.url})
    # The endpoint comes from the settings; AWS_ENDPOINT_URL in the environment would win over them,
    # and this session must never reach a real AWS endpoint.
    if aws.client(session, "iam").meta.endpoint_url != info.url:
        console.delete_root_access_key(key.access_key_id, home=home)
        raise WalkthroughError("The practice account's endpoint was not applied; nothing was changed.")
    try:
        yield session
    finally:
        aws.client(session, "iam").delete_access_key(AccessKeyId=key.access_key_id)
