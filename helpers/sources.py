"""Where an account's AWS config and credentials files come from.

An *account source* is anything that can hand the walkthrough a pair of AWS shared files
(config + credentials) whose profiles reach an account. The learner's own files are one
source (built in below); other sources plug in through the Python entry-point group
``aml_walkthrough.account_sources`` (see ``pyproject.toml``), so no module here needs to
know what they are. Used by notebook 00's account picker and by every later notebook.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Protocol, runtime_checkable

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

    def describe(self) -> str:
        f = self.files()
        return (
            f"A real AWS account reached through your profiles in {f.config_file} and "
            f"{f.credentials_file}. Every change is shown first and waits for you to type "
            "the account ID."
        )


def available_sources() -> dict[str, AccountSource]:
    """Every account source, plug-ins first (the first one is the default), then the learner's own files."""
    found: dict[str, AccountSource] = {}
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        source = ep.load()()
        found[source.key] = source
    builtin = YourAwsFiles()
    found.setdefault(builtin.key, builtin)
    return found
