"""Gather what notebook 02's plans need, with a small, fixed number of read calls."""

from __future__ import annotations

import boto3
from botocore.exceptions import ClientError

from helpers import aws
from helpers.credentials.profiles import ProfileInfo, saved_key_id
from helpers.errors import error_code
from helpers.names import GROUP_NAME, SELF_SERVICE_POLICY_NAME, USER_NAME, USER_PROFILE
from helpers.sources import AwsFiles
from helpers.users.policies import normalise_password_policy
from helpers.users.records import KeyInfo, Observed

# Errors meaning "this key does not work at all" (deleted, never valid, wrong secret).
DEAD_KEY_CODES = {"InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch"}


def _authorization_details(iam) -> tuple[list[dict], list[dict], list[dict]]:
    users, groups, policies = [], [], []
    # LocalManagedPolicy: the account's own (customer-managed) policies, in the same call.
    filters = ["User", "Group", "LocalManagedPolicy"]
    for page in iam.get_paginator("get_account_authorization_details").paginate(Filter=filters):
        users += page.get("UserDetailList", [])
        groups += page.get("GroupDetailList", [])
        policies += page.get("Policies", [])
    return users, groups, policies


def _policy_name(detail: dict) -> str:
    # AWS names it in PolicyName; some emulators give only the ARN, whose last part is the name.
    return detail.get("PolicyName") or str(detail.get("Arn", "")).rsplit("/", 1)[-1]


def profile_owner(files: AwsFiles, profile: str) -> tuple[str | None, bool]:
    """(ARN, dead) for the key saved in *profile*: who STS says it is, or dead=True if refused."""
    try:
        session = aws.make_session(files, profile)
        arn = aws.client(session, "sts").get_caller_identity()["Arn"]
    except ClientError as exc:
        if error_code(exc) in DEAD_KEY_CODES:
            return None, True
        raise
    return arn, False


def observe(session: boto3.Session, files: AwsFiles | None = None, profile: str = USER_PROFILE) -> Observed:
    """The account's state for notebook 02: caller, user (any case), group, policies, keys, profile.

    The customer-managed policies come in the same GetAccountAuthorizationDetails call.

    Read calls: GetCallerIdentity, GetAccountAuthorizationDetails (one page in a new account),
    GetAccountPasswordPolicy, and once the user exists GetLoginProfile and ListAccessKeys; one
    more GetCallerIdentity only if *profile* holds a key that is not one of the user's.
    """
    ident = aws.client(session, "sts").get_caller_identity()
    iam = aws.client(session, "iam")
    users, groups, own_policies = _authorization_details(iam)
    # IAM user names are unique ignoring case: "aml@packt" *is* AML@Packt's name taken.
    found = [u for u in users if u["UserName"].casefold() == USER_NAME.casefold()]
    user = next((u for u in found if u["UserName"] == USER_NAME), found[0] if found else None)
    group = next((g for g in groups if g["GroupName"] == GROUP_NAME), None)
    try:
        raw_policy = iam.get_account_password_policy()["PasswordPolicy"]
    except ClientError as exc:
        if error_code(exc) != "NoSuchEntity":
            raise
        raw_policy = None
    login, keys = False, ()
    if user is not None:
        try:
            iam.get_login_profile(UserName=user["UserName"])
            login = True
        except ClientError as exc:
            if error_code(exc) != "NoSuchEntity":
                raise
        keys = tuple(
            KeyInfo(k["AccessKeyId"], k["Status"], k.get("CreateDate"))
            for k in iam.list_access_keys(UserName=user["UserName"])["AccessKeyMetadata"]
        )
    profile_info = None
    if files is not None:
        key_id = saved_key_id(files, profile, masked=False)
        owner, dead = None, False
        if key_id is not None and key_id not in {k.key_id for k in keys}:
            owner, dead = profile_owner(files, profile)
        profile_info = ProfileInfo(profile, key_id, owner, dead)
    return Observed(
        account_id=ident["Account"],
        caller_arn=ident["Arn"],
        user_name=user["UserName"] if user else None,
        user_arn=user["Arn"] if user else None,
        group_exists=group is not None,
        user_in_group=bool(user and GROUP_NAME in user.get("GroupList", [])),
        group_policies=frozenset(p["PolicyName"] for p in (group or {}).get("AttachedManagedPolicies", [])),
        self_service_policy=any(_policy_name(p) == SELF_SERVICE_POLICY_NAME for p in own_policies),
        user_policies=frozenset(p["PolicyName"] for p in (user or {}).get("AttachedManagedPolicies", [])),
        login_profile=login,
        keys=keys,
        password_policy=normalise_password_policy(raw_policy),
        profile=profile_info,
    )
