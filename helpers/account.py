"""The account the learner chose in notebook 00, remembered for every later notebook.

The choice (which account source, which profile is active) lives in
``<state folder>/account.json``; ``AML_WALKTHROUGH_ACCOUNT`` and ``AML_WALKTHROUGH_PROFILE``
override it (handy for instructors and scripts). It survives kernel restarts.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import boto3

from helpers import aws
from helpers.errors import WalkthroughError
from helpers.sources import AccountSource, AwsFiles, available_sources
from helpers.state import state_dir
from helpers.textfiles import write_atomic

ENV_ACCOUNT = "AML_WALKTHROUGH_ACCOUNT"
ENV_PROFILE = "AML_WALKTHROUGH_PROFILE"
CHOICE_FILE = "account.json"


class AccountChoiceError(WalkthroughError, ValueError):
    """The remembered or requested account choice cannot be used (message says what to do)."""


@dataclass(frozen=True)
class Account:
    """The chosen account: a source of AWS files plus the profile the lesson acts as."""

    source: AccountSource
    profile: str | None

    @property
    def practice(self) -> bool:
        """True for a practice account, where running a cell is the confirmation."""
        return self.source.practice

    def files(self) -> AwsFiles:
        """The config and credentials files this account's profiles live in."""
        return self.source.files()

    def session(self, profile: str | None = None) -> boto3.Session:
        """A fresh boto3 Session for *profile* (default: the active one)."""
        name = profile or self.profile
        if not name:
            raise AccountChoiceError(
                "No profile is active yet. Run notebook 01 to set up your credentials, "
                "or pick a profile in notebook 00."
            )
        return aws.make_session(self.files(), name, None)

    def with_profile(self, profile: str | None) -> Account:
        """The same account acting as *profile*."""
        return Account(self.source, profile)


def _choice_path() -> Path:
    return state_dir() / CHOICE_FILE


def _read_choice() -> dict:
    path = _choice_path()
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        # A damaged choice file must not stop the lesson: fall back to the default.
        return {}
    return data if isinstance(data, dict) else {}


def _source(key: str | None) -> AccountSource:
    sources = available_sources()
    if key is None:
        return next(iter(sources.values()))
    try:
        return sources[key]
    except KeyError:
        valid = ", ".join(sources)
        raise AccountChoiceError(f"Unknown account {key!r}: choose one of {valid}.") from None


def current_account() -> Account:
    """The account every notebook uses: the env vars, else the remembered choice, else the default."""
    choice = _read_choice()
    key = os.environ.get(ENV_ACCOUNT) or choice.get("source")
    source = _source(key)
    profile = os.environ.get(ENV_PROFILE)
    if profile is None and choice.get("source", source.key) == source.key:
        profile = choice.get("profile")
    return Account(source, profile or None)


def choose_account(source_key: str, profile: str | None = None) -> Account:
    """Remember *source_key* (and optionally its active *profile*) for every later notebook."""
    source = _source(source_key)
    write_atomic(_choice_path(), json.dumps({"source": source.key, "profile": profile}, indent=2) + "\n")
    return Account(source, profile)


def use_profile(profile: str | None) -> Account:
    """Make *profile* the active one in the chosen account (notebooks 01 and 02 call this)."""
    account = current_account()
    return choose_account(account.source.key, profile)
