"""Where an account's AWS config and credentials files come from.

An *account source* is anything that can hand the walkthrough a pair of AWS shared files
(config + credentials) whose profiles reach an account. The learner's own files are one
source (built in below); other sources plug in through the Python entry-point group
``aml_walkthrough.account_sources`` (see ``pyproject.toml``), so no module here needs to
know what they are. Used by notebook 00's account picker and by every later notebook.
"""

from __future__ import annotations

import functools
import os
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

ENTRY_POINT_GROUP = "aml_walkthrough.account_sources"


@dataclass(frozen=True)
class AwsFiles:
    """The AWS shared config and credentials files one account's profiles live in."""

    config_file: Path
    credentials_file: Path
    # Settings every *new* profile in these files needs (e.g. an ``endpoint_url``);
    # written next to ``region`` when notebook 01 or 02 saves a profile.
    new_profile_settings: dict[str, str] = field(default_factory=dict)


@runtime_checkable
class AccountSource(Protocol):
    """What the account picker needs from a source of AWS accounts."""

    key: str  # stable id stored in the account choice, e.g. "aws"
    label: str  # what the picker shows
    practice: bool  # True: running a cell is the confirmation (no typed account ID)
    default_region: str

    def files(self) -> AwsFiles:
        """Return the files, making the account reachable first if needed (may take a second)."""
        ...

    def handed_over_keys(self) -> Path | None:
        """A CSV of access keys the account gave its owner at creation, if this source has one."""
        ...

    def describe(self) -> str:
        """One sentence for the learner: what this account is and what changes in it."""
        ...


class PracticeHooks(Protocol):
    """Optional extras an account source may offer; callers reach them with ``getattr``.

    ``console_stand_in(step)``: a form standing in for a console-only step (notebook 04), or None.
    ``checkpoints()``: {"NN": what the account is like at the start of notebook NN}, {} if none.
    ``reset_to(checkpoint)``: rebuild the account (and its profiles) as at that checkpoint; one sentence back.
    ``owner_session()``: a context manager yielding a boto3 Session with the account owner's rights for the
    block's duration (notebook 06's teardown), or None when the source cannot offer one.
    ``running()``: True when the account answers now, found without starting it (the workshop's room board);
    a source that is always there need not offer it.
    """

    def console_stand_in(self, step: str, **context: Any) -> Any: ...

    def checkpoints(self) -> dict[str, str]: ...

    def reset_to(self, checkpoint: str) -> str: ...

    def owner_session(self) -> AbstractContextManager[Any] | None: ...

    def running(self) -> bool: ...


class YourAwsFiles:
    """The learner's own AWS files: ``~/.aws`` or the files ``AWS_CONFIG_FILE`` and
    ``AWS_SHARED_CREDENTIALS_FILE`` name (the AWS CLI's own rules)."""

    key = "aws"
    label = "My own AWS account (my AWS CLI profiles)"
    practice = False
    default_region = "us-east-1"

    def files(self) -> AwsFiles:
        home = Path.home() / ".aws"
        config = os.environ.get("AWS_CONFIG_FILE") or home / "config"
        credentials = os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or home / "credentials"
        return AwsFiles(Path(config).expanduser(), Path(credentials).expanduser())

    def handed_over_keys(self) -> Path | None:
        return None

    def console_stand_in(self, step: str, **context: Any) -> None:
        """A real account has no stand-in: the learner uses the AWS console (notebook 04)."""
        return None

    def checkpoints(self) -> dict[str, str]:
        """A real account has no checkpoints."""
        return {}

    def reset_to(self, checkpoint: str) -> str:
        """A real account cannot be rewound: say so."""
        from helpers.errors import WalkthroughError

        raise WalkthroughError(
            "Jumping to a notebook works only in the practice account: your own AWS account keeps what you did. "
            "Run the notebooks in order; each one's first cell says where your account stands."
        )

    def owner_session(self) -> None:
        """No program may act as your root user: the teardown needs an administrator profile or the console."""
        return None

    def describe(self) -> str:
        """One sentence for notebook 00's picker."""
        f = self.files()
        return (
            f"A real AWS account reached through your profiles in {f.config_file} and "
            f"{f.credentials_file}. Every change is shown first and waits for you to type "
            "the account ID."
        )


@functools.cache
def _plugin_factories() -> tuple:
    """The installed plug-ins' source classes, by name: read once per process (scanning metadata is slow)."""
    return tuple(ep.load() for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name))


def available_sources() -> dict[str, AccountSource]:
    """Every account source, plug-ins first (the first one is the default), then the learner's own files."""
    found: dict[str, AccountSource] = {}
    for factory in _plugin_factories():
        source = factory()
        found[source.key] = source
    builtin = YourAwsFiles()
    found.setdefault(builtin.key, builtin)
    return found


def practice_source() -> AccountSource | None:
    """The first account source that is a practice account (the workshop's room board uses it), or None."""
    return next((source for source in available_sources().values() if source.practice), None)
