"""Prove a new profile works, then make it the active one (end of notebook 02)."""

from __future__ import annotations

import time
from collections.abc import Callable

from botocore.exceptions import ClientError

from helpers import account, aws
from helpers.credentials.files import save_profile
from helpers.credentials.profiles import profile_info, saved_key_id, saved_key_pair
from helpers.errors import DENIED_CODES, WalkthroughError, error_code, explain
from helpers.names import USER_NAME, USER_PROFILE
from helpers.sources import AwsFiles

# A new key is refused with these for a few seconds on AWS while it propagates (IAM is eventually consistent).
LIVE_TIMEOUT = 60.0  # about a minute: on AWS a new key usually works within seconds, sometimes much later
NOT_YET_CODES = {"InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", *DENIED_CODES}


def wait_until_live(
    files: AwsFiles,
    profile: str = USER_PROFILE,
    timeout: float = LIVE_TIMEOUT,
    say: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> str:
    """The caller ARN of *profile* once STS accepts its key, retrying with backoff up to *timeout* s.

    *say* gets a progress line at each retry ("still waiting: 12 s of up to 60 s"), so a wait shows.
    """
    start, delay, told = clock(), 1.0, False
    while True:
        try:
            # A fresh session each try: botocore reads credentials once per session.
            session = aws.make_session(files, profile)
            return aws.client(session, "sts").get_caller_identity()["Arn"]
        except ClientError as exc:
            if error_code(exc) not in NOT_YET_CODES:
                raise WalkthroughError(explain(exc)) from None
            left = timeout - (clock() - start)
            if left <= 0:
                raise WalkthroughError(
                    f"Profile {profile!r} still does not work after {timeout:.0f} s: {explain(exc)}"
                ) from None
            if say is not None and not told:
                say("A new access key takes a few seconds to work on AWS; checking again...")
                told = True
            elif say is not None:
                say(f"Still waiting for the new key: {clock() - start:.0f} s of up to {timeout:.0f} s.")
            sleep(min(delay, left))
            delay = min(delay * 2, 8.0)


def switch_to_profile(
    files: AwsFiles,
    profile: str = USER_PROFILE,
    expected_user: str = USER_NAME,
    say: Callable[[str], None] | None = None,
    timeout: float = LIVE_TIMEOUT,
    also_default: bool = False,
) -> str:
    """Check *profile* is live and is *expected_user*, then make it the active profile; notebook 02.

    ``also_default=True`` also copies its key into the ``default`` profile (file to file, never
    shown), for tools run without ``--profile``; a ``default`` holding another key is left alone.
    """
    arn = wait_until_live(files, profile, timeout=timeout, say=say)
    if arn.rsplit("/", 1)[-1].casefold() != expected_user.casefold() or ":user/" not in arn:
        raise WalkthroughError(
            f"Profile {profile!r} signs in as {arn}, not as {expected_user}; nothing was switched. "
            "Run the set-up cell again to save AML@Packt's key in it."
        )
    if also_default:
        _copy_to_default(files, profile, say)
    account.use_profile(profile)
    return arn


def _copy_to_default(files: AwsFiles, profile: str, say: Callable[[str], None] | None) -> None:
    pair = saved_key_pair(files, profile)
    if pair is None:
        raise WalkthroughError(f"Profile {profile!r} holds no key pair to copy; nothing was switched.")
    key_id = pair.access_key_id
    current = saved_key_id(files, "default", masked=False)
    if current == key_id:
        return
    if current is not None:
        raise WalkthroughError(
            f"Profile 'default' already holds another key ({current}); it was left alone and nothing was switched. "
            f"Remove it yourself if you no longer need it, or keep using --profile {profile}."
        )
    info = profile_info(files, profile)
    save_profile(files, "default", pair, region=info.region if info else None)
    if say is not None:
        say(f"Profile 'default' now holds the same key ({key_id}).")
