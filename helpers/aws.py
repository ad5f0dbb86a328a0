"""The one place boto3 sessions and clients are built (every notebook goes through here)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config

from helpers.sources import AwsFiles

# botocore's own retry machinery: "standard" mode retries throttling and transient
# errors with exponential backoff and jitter. Short connect timeout: a stopped local
# account or a dead network should say so in seconds, not minutes.
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 4},  # 4 retries after the first try
    connect_timeout=5,
    read_timeout=30,
)


class _SearchPaths(list):
    """boto3 appends its data folder on every Session it builds: once is enough for a shared loader."""

    def append(self, path: str) -> None:
        if path not in self:
            super().append(path)


# One botocore data loader per process: it caches the service models and endpoint data it has parsed,
# which a new loader per session would parse again (about 0.1 s per client).
_LOADER = botocore.loaders.create_loader()
_LOADER._search_paths = _SearchPaths(_LOADER.search_paths)


def botocore_session(**options) -> botocore.session.Session:
    """A new botocore session (its own config and keys) sharing the process's data loader."""
    core = botocore.session.Session(**options)
    core.register_component("data_loader", _LOADER)
    return core


def make_session(files: AwsFiles, profile: str, region: str | None = None) -> boto3.Session:
    """A boto3 Session for *profile* read from exactly *files* (never the environment's keys).

    The profile name is always explicit: with ``AWS_ACCESS_KEY_ID`` in the environment
    botocore would otherwise use those keys while the profile's endpoint still applied.
    Build a new session after a credentials file changes: botocore reads keys once.
    """
    core = botocore_session()
    core.set_config_variable("config_file", str(files.config_file))
    core.set_config_variable("credentials_file", str(files.credentials_file))
    session = boto3.Session(botocore_session=core, profile_name=profile, region_name=region)
    if session.region_name is None:
        # IAM and STS are global; a region is needed only to build the client.
        session = boto3.Session(botocore_session=core, profile_name=profile, region_name="us-east-1")
    return session


def session_from_keys(
    key_id: str,
    secret: str,
    token: str | None = None,
    *,
    settings: Mapping[str, str] | None = None,
    region: str | None = None,
) -> boto3.Session:
    """A boto3 Session for a key pair held in memory, with a profile's *settings* (e.g. ``endpoint_url``).

    The one place a session is built from keys rather than a saved profile (notebook 01's proof of
    keys not saved yet, the backups check, the practice account's owner session). The keys never
    touch a file: only *settings*, which hold no secret, go into a throw-away config file that
    botocore reads once before it is deleted. Neither the environment's keys, its ``AWS_PROFILE``
    nor the learner's own AWS files take part.
    """
    # No profile lookup: AWS_PROFILE naming a profile absent from these files must not break this.
    core = botocore_session(session_vars={"profile": (None, None, None, None)})
    core.set_config_variable("credentials_file", os.devnull)
    with tempfile.TemporaryDirectory(prefix="aml-session-") as folder:
        config = Path(folder) / "config"
        lines = ["[default]", *(f"{key} = {value}" for key, value in (settings or {}).items())]
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        core.set_config_variable("config_file", str(config))
        core.full_config  # noqa: B018 - botocore reads and caches the file now, before it is deleted
    core.set_credentials(key_id, secret, token)
    return boto3.Session(botocore_session=core, region_name=region or "us-east-1")


def client(session: boto3.Session, service: str):
    """A client for *service* with the walkthrough's retry and timeout settings."""
    return session.client(service, config=CLIENT_CONFIG)
