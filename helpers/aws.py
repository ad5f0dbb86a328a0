"""The one place boto3 sessions and clients are built (every notebook goes through here)."""

from __future__ import annotations

import boto3
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


def make_session(files: AwsFiles, profile: str, region: str | None = None) -> boto3.Session:
    """A boto3 Session for *profile* read from exactly *files* (never the environment's keys).

    The profile name is always explicit: with ``AWS_ACCESS_KEY_ID`` in the environment
    botocore would otherwise use those keys while the profile's endpoint still applied.
    Build a new session after a credentials file changes: botocore reads keys once.
    """
    core = botocore.session.Session()
    core.set_config_variable("config_file", str(files.config_file))
    core.set_config_variable("credentials_file", str(files.credentials_file))
    session = boto3.Session(botocore_session=core, profile_name=profile, region_name=region)
    if session.region_name is None:
        # IAM and STS are global; a region is needed only to build the client.
        session = boto3.Session(botocore_session=core, profile_name=profile, region_name="us-east-1")
    return session


def client(session: boto3.Session, service: str):
    """A client for *service* with the walkthrough's retry and timeout settings."""
    return session.client(service, config=CLIENT_CONFIG)
