"""Scenarios: reset the practice account to a new account, a messy one, or a notebook's start.

``reset("new-account")`` is the book's starting point; ``reset(at="03")`` is the state at the
start of notebook 03 with the matching profiles saved, so a learner who fell behind can jump in.
Everything is built through the AWS API (boto3 against the local server), as the lesson would.
Used by ``python -m helpers.sandbox reset`` and by the test suite.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import secrets
import string
from collections.abc import Iterator
from pathlib import Path

import boto3
from botocore.config import Config

from helpers.errors import WalkthroughError
from helpers.mfa.devices import DEFAULT_DEVICE_NAME
from helpers.mfa.policies import self_service_mfa_policy
from helpers.names import (
    CIS_PASSWORD_POLICY,
    GROUP_NAME,
    ROOT_PROFILE,
    SELF_SERVICE_POLICY_NAME,
    USER_NAME,
    USER_PROFILE,
)
from helpers.sandbox import _totp, console, files, process
from helpers.state import state_dir
from helpers.textfiles import write_atomic

USER = USER_NAME
GROUP = GROUP_NAME
LOGIN_PROFILE = "root-login"  # console-login: what `aws login` as the root user leaves for the CLI and SDK
ADMIN_USER = "Admin"  # member-account: the administrator IAM user the learner works through
ADMIN_PROFILE = "admin"
USER_DEVICE = DEFAULT_DEVICE_NAME  # the virtual MFA device notebook 04 creates for AML@Packt
GROUP_POLICIES = (
    "AmazonS3FullAccess",
    "IAMUserChangePassword",
    "IAMReadOnlyAccess",
)

SCENARIOS = {
    "new-account": "The book's start: the account after the learner created a root access key as the book "
    "says (AWS creates none); the root user has that one active key pair (in rootkey.csv) and no MFA; no IAM "
    "users, no profiles.",
    "messy-account": "For audit practice: a root key used recently, a user with a console password and no "
    "MFA, a 100-day-old key, a user with two active keys, a policy attached directly to a user, no "
    "password policy.",
    "console-login": "Today's way in: the root user has no access keys; it signed in to the console and ran "
    "`aws login`, which left temporary root credentials (an ASIA key with a session token, for 12 hours) in "
    "profile root-login; no MFA, no IAM users.",
    "member-account": "A member account of an AWS Organization whose root credentials were removed centrally: "
    "the root user has no access keys, no password and no MFA; you work as the administrator IAM user Admin "
    "(AdministratorAccess) through profile admin.",
}
CHECKPOINTS = {
    "00": "Start of notebook 00: a new account.",
    "01": "Start of notebook 01: a new account (root keys still only in rootkey.csv).",
    "02": "Start of notebook 02: the root's keys saved as profile root-keys.",
    "03": "Start of notebook 03: AML@Packt in group aml-packt-users (with the MFA self-service policy), "
    "CIS password policy, profile aml-packt.",
    "04": "Start of notebook 04: the root's access keys deleted, profile root-keys removed.",
    "05": "Start of notebook 05: root MFA enabled, and AML@Packt's own MFA device AML-Packt-phone.",
    "06": "Start of notebook 06: root MFA and AML@Packt's MFA enabled (the account secured).",
}
_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=30)


def scenario_name(scenario: str = "new-account", at: str | None = None) -> str:
    """The canonical name (``new-account``, ``messy-account`` or ``checkpoint-NN``); ValueError lists valid ones."""
    if at is not None:
        nn = str(at).strip().zfill(2)
        if nn not in CHECKPOINTS:
            raise WalkthroughError(
                f"There is no checkpoint {at!r}: choose one of {', '.join(CHECKPOINTS)} "
                "(e.g. `python -m helpers.sandbox reset --at 03`)."
            )
        return f"checkpoint-{nn}"
    if scenario in SCENARIOS:
        return scenario
    if scenario.startswith("checkpoint-") and scenario[len("checkpoint-") :] in CHECKPOINTS:
        return scenario
    raise WalkthroughError(
        f"There is no scenario {scenario!r}: choose one of {', '.join(SCENARIOS)} "
        "(e.g. `python -m helpers.sandbox reset --scenario new-account`), or a checkpoint with --at "
        f"{'/'.join(CHECKPOINTS)}."
    )


def reset(scenario: str = "new-account", at: str | None = None, home: Path | None = None) -> process.SandboxInfo:
    """Wipe the practice account and rebuild it as *scenario* (or as checkpoint *at*); the only way to start over.

    Also deletes the backups of the sandbox's profile files (their keys died with the old account):
    ``removed_backups`` in the answer says how many.
    """
    name = scenario_name(scenario, at)
    folder = process.home_dir(home)
    info = process.launch(build_fresh, folder)
    if not (info.built and info.scenario == name):  # a start that has just built this very scenario
        build(name, folder, info.url)
    p = files.paths(folder)
    write_atomic(p.scenario_json, json.dumps({"scenario": name}) + "\n")  # also forgets a "state lost" note
    removed = files.remove_backups(p)
    # A state file set aside as unreadable holds secrets of an account that is now gone too.
    p.state_file.with_name(p.state_file.name + ".unreadable").unlink(missing_ok=True)
    now = process.status(folder) or info
    return dataclasses.replace(now, removed_backups=removed)


def build_fresh(name: str, home: Path, url: str) -> None:
    """Build scenario *name* in a sandbox process that has just started empty (``process.launch``'s builder)."""
    build(name, home, url, fresh=True)


def build(name: str, home: Path, url: str, fresh: bool = False) -> None:
    """Build scenario *name* in the running sandbox at *url* (called by ``reset`` and ``build_fresh``)."""
    name = scenario_name(name)
    p = files.paths(home)
    console.wipe_account(name, home=home, fresh=fresh)
    files.wipe(p)
    with _settled(home):  # a scenario is an account whose changes have settled: no lag while building it
        if name in ("console-login", "member-account"):
            active = _console_login(p, url, home) if name == "console-login" else _member_account(p, url, home)
        else:
            root_key = console.create_root_access_key(home=home)
            files.write_rootkey_csv(p, root_key.access_key_id, root_key.secret_access_key)
            active = None
            if name == "messy-account":
                active = _messy(p, url, root_key, home)
            elif name.startswith("checkpoint-"):
                active = _checkpoint(int(name[-2:]), p, url, root_key, home)
    write_atomic(p.scenario_json, json.dumps({"scenario": name}) + "\n")
    _remember_profile(home, active)


def _client(url: str, key_id: str, secret: str, service: str, token: str | None = None):
    # Explicit keys and endpoint: never the environment's keys, never a real AWS endpoint.
    session = boto3.session.Session(
        aws_access_key_id=key_id, aws_secret_access_key=secret, aws_session_token=token, region_name=files.REGION
    )
    return session.client(service, endpoint_url=url, config=_CLIENT_CONFIG)


@contextlib.contextmanager
def _settled(home: Path) -> Iterator[None]:
    lag_seconds = console.options(home=home).get("lag") or 0
    if not lag_seconds:
        yield
        return
    console.options(home=home, lag=0)
    try:
        yield
    finally:
        console.options(home=home, lag=lag_seconds)


def _console_login(p: files.SandboxPaths, url: str, home: Path) -> str:
    """No root keys; `aws login` as the root user left temporary credentials in profile root-login."""
    login = console.root_login(home=home)
    files.write_session_profile(
        p, LOGIN_PROFILE, login.access_key_id, login.secret_access_key, login.session_token, url
    )
    return LOGIN_PROFILE


def _member_account(p: files.SandboxPaths, url: str, home: Path) -> str:
    """The management account made this account an administrator, then removed the root's credentials."""
    login = console.root_login(hours=1, home=home)
    iam = _client(url, login.access_key_id, login.secret_access_key, "iam", token=login.session_token)
    iam.create_user(UserName=ADMIN_USER)
    iam.attach_user_policy(UserName=ADMIN_USER, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    key = iam.create_access_key(UserName=ADMIN_USER)["AccessKey"]
    files.write_profile(p, ADMIN_PROFILE, key["AccessKeyId"], key["SecretAccessKey"], url)
    console.remove_root_credentials(home=home)  # also ends the root's sessions
    return ADMIN_PROFILE


def _strong_password() -> str:
    # Meets the CIS policy (14+, four character classes); nobody is told it: a checkpoint's user
    # signs in with keys. The lesson's own password step resets it.
    pools = [string.ascii_uppercase, string.ascii_lowercase, string.digits, "!@#$%^&*()-_=+"]
    chars = [secrets.choice(pool) for pool in pools] + [secrets.choice("".join(pools)) for _ in range(16)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _checkpoint(nn: int, p: files.SandboxPaths, url: str, root_key: console.RootAccessKey, home: Path) -> str | None:
    if nn <= 1:
        return None
    files.write_profile(p, ROOT_PROFILE, root_key.access_key_id, root_key.secret_access_key, url)
    if nn == 2:
        return ROOT_PROFILE
    iam = _client(url, root_key.access_key_id, root_key.secret_access_key, "iam")
    iam.update_account_password_policy(**CIS_PASSWORD_POLICY)
    iam.create_group(GroupName=GROUP)
    for policy in GROUP_POLICIES:
        iam.attach_group_policy(GroupName=GROUP, PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
    # Notebook 02 also creates the MFA self-service policy (notebook 04 uses it) and attaches it.
    own = iam.create_policy(PolicyName=SELF_SERVICE_POLICY_NAME, PolicyDocument=json.dumps(self_service_mfa_policy()))[
        "Policy"
    ]["Arn"]
    iam.attach_group_policy(GroupName=GROUP, PolicyArn=own)
    iam.create_user(UserName=USER)
    iam.add_user_to_group(GroupName=GROUP, UserName=USER)
    iam.create_login_profile(UserName=USER, Password=_strong_password(), PasswordResetRequired=True)
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    files.write_profile(p, USER_PROFILE, key["AccessKeyId"], key["SecretAccessKey"], url)
    if nn == 3:
        return USER_PROFILE
    # The root's last act: delete its own key, signed with that key.
    iam.delete_access_key(AccessKeyId=root_key.access_key_id)
    files.remove_profile(p, ROOT_PROFILE)
    p.rootkey_csv.unlink(missing_ok=True)
    if nn >= 5:
        device = console.create_root_mfa_device(home=home)
        code1, code2 = _totp.consecutive_codes(device.seed)
        console.enable_root_mfa(device.serial, code1, code2, home=home)
        # Notebook 04's second part: AML@Packt adds its own device, signed with its own key (the group's
        # self-service policy allows it). The seed is dropped here, as nobody scans it.
        own = _client(url, key["AccessKeyId"], key["SecretAccessKey"], "iam")
        made = own.create_virtual_mfa_device(VirtualMFADeviceName=USER_DEVICE)["VirtualMFADevice"]
        seed = made["Base32StringSeed"]
        code1, code2 = _totp.consecutive_codes(seed.decode("ascii") if isinstance(seed, bytes) else seed)
        own.enable_mfa_device(
            UserName=USER, SerialNumber=made["SerialNumber"], AuthenticationCode1=code1, AuthenticationCode2=code2
        )
    return USER_PROFILE


def _messy(p: files.SandboxPaths, url: str, root_key: console.RootAccessKey, home: Path) -> str:
    files.write_profile(p, ROOT_PROFILE, root_key.access_key_id, root_key.secret_access_key, url)
    iam = _client(url, root_key.access_key_id, root_key.secret_access_key, "iam")
    # Root used its key for everyday work (the finding an audit should flag first).
    iam.list_users()
    iam.create_user(UserName="data-analyst")
    iam.create_login_profile(UserName="data-analyst", Password=_strong_password(), PasswordResetRequired=False)
    iam.attach_user_policy(UserName="data-analyst", PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess")
    iam.create_user(UserName="etl-job")
    old = iam.create_access_key(UserName="etl-job")["AccessKey"]["AccessKeyId"]
    console.backdate_access_key(old, 100, home=home)
    iam.create_user(UserName="ci-deploy")
    iam.attach_user_policy(UserName="ci-deploy", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.create_access_key(UserName="ci-deploy")
    iam.create_access_key(UserName="ci-deploy")
    return ROOT_PROFILE


def _remember_profile(home: Path, profile: str | None) -> None:
    """Make the scenario's profile the active one, if the learner's account choice is this sandbox."""
    try:
        if Path(home).resolve() != state_dir(create=False).resolve():
            return  # a sandbox for another folder (tests, a second learner): not this learner's choice
        from helpers import account

        current = account.current_account()
        if current.source.key != "sandbox":
            return  # the learner chose their own AWS account: leave that choice alone
        account.choose_account("sandbox", profile)
    except (OSError, ValueError):
        # The account choice is a convenience; a damaged one must not fail the reset.
        return
