"""Read what the teardown would remove: AML@Packt and everything hanging off it (notebook 06).

Every listing IAM requires before ``DeleteUser`` is read here, each on its own: a listing the
caller may not make (AccessDenied) is recorded as *unseen* instead of raising, so the plan can
name it and stop before the user. Only reads; no plan, no change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers import aws
from helpers.cleanup.kinds import GROUP_KINDS, USER_KINDS, Kind
from helpers.errors import error_code
from helpers.names import GROUP_NAME, USER_NAME
from helpers.reads import read_or_why

# An endpoint that does not offer an action at all (a local stand-in, an old partition):
# there can be nothing of that kind to remove.
NOT_OFFERED = {"InvalidAction", "NotImplemented", "UnknownOperationException"}
# Service-specific credentials (CodeCommit, Keyspaces) are the one listing some stand-ins do not
# implement at all (they answer InternalFailure). Reading "none" is safe: if there were some,
# DeleteUser refuses with DeleteConflict and the teardown stops there and says so.
NOT_OFFERED_SERVICE_CREDENTIALS = NOT_OFFERED | {"InternalFailure", "ServiceFailure"}


@dataclass(frozen=True)
class UserInventory:
    """AML@Packt and every kind of thing IAM wants gone before the user can be deleted."""

    name: str
    arn: str
    access_keys: tuple[str, ...] = ()
    login_profile: bool = False
    mfa_devices: tuple[str, ...] = ()  # serial numbers (ARNs for virtual devices)
    groups: tuple[str, ...] = ()
    attached_policies: tuple[str, ...] = ()  # policy ARNs
    inline_policies: tuple[str, ...] = ()
    signing_certificates: tuple[str, ...] = ()
    ssh_public_keys: tuple[str, ...] = ()
    service_credentials: tuple[str, ...] = ()  # ServiceSpecificCredentialId


@dataclass(frozen=True)
class GroupInventory:
    """The group aml-packt-users: its members and policies."""

    name: str
    members: tuple[str, ...] = ()
    attached_policies: tuple[str, ...] = ()
    inline_policies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Inventory:
    """What the caller can see of the lesson's footprint, and what it could not see."""

    account_id: str
    caller_arn: str
    user: UserInventory | None = None
    group: GroupInventory | None = None
    password_policy: bool = False
    # "what" -> "which API call was refused", for every listing the caller may not make.
    unseen: dict[str, str] = field(default_factory=dict)


class _Reader:
    def __init__(self, unseen: dict[str, str]) -> None:
        self.unseen = unseen

    def read(
        self, what: str, action: str, call: Callable[[], Any], default: Any, not_offered: set[str] = NOT_OFFERED
    ) -> Any:
        value, why = read_or_why(
            call, lambda _exc: f"iam:{action}", absent=not_offered, why_other=None, default=default
        )
        if why:
            self.unseen[what] = why
        return value


def _missing(call: Callable[[], Any]) -> Any:
    """The call's answer, or None when IAM says the entity does not exist."""
    try:
        return call()
    except ClientError as exc:
        if error_code(exc) == "NoSuchEntity":
            return None
        raise


def _pages(iam, operation: str, key: str, **kwargs) -> list:
    items: list = []
    for page in iam.get_paginator(operation).paginate(**kwargs):
        items += page.get(key, [])
    return items


def _listing(iam, single, kind: Kind, **owner: str) -> list:
    if kind.once:  # one attempt, one page: the listing some endpoints do not offer (NOT_OFFERED_SERVICE_CREDENTIALS)
        return getattr(single, xform_name(kind.list_api))(**owner).get(kind.page_key, [])
    return _pages(iam, xform_name(kind.list_api), kind.page_key, **owner)


def _listed(iam, single, reader: _Reader, kind: Kind, **owner: str) -> tuple[str, ...]:
    """The IDs (or names) of everything of *kind* on *owner*; none, and *kind* unseen, when the listing is refused."""
    not_offered = NOT_OFFERED_SERVICE_CREDENTIALS if kind.once else NOT_OFFERED
    items = reader.read(kind.what, kind.list_api, lambda: _listing(iam, single, kind, **owner), [], not_offered)
    return tuple(item[kind.id_key] if kind.id_key else item for item in items)


def _user(iam, single, reader: _Reader, name: str, arn: str) -> UserInventory:
    login = reader.read(
        "console password",
        "GetLoginProfile",
        lambda: _missing(lambda: iam.get_login_profile(UserName=name)) is not None,
        False,
    )
    listed = {kind.field: _listed(iam, single, reader, kind, UserName=name) for kind in USER_KINDS}
    return UserInventory(name=name, arn=arn, login_profile=bool(login), **listed)


def _group(iam, reader: _Reader, name: str) -> GroupInventory | None:
    found = reader.read(
        "the group's members",
        "GetGroup",
        lambda: _missing(lambda: _pages(iam, "get_group", "Users", GroupName=name)),
        [],
    )
    if found is None:
        return None
    listed = {kind.field: _listed(iam, iam, reader, kind, GroupName=name) for kind in GROUP_KINDS}
    return GroupInventory(name=name, members=tuple(u["UserName"] for u in found), **listed)


def take_inventory(session: boto3.Session, user: str = USER_NAME, group: str = GROUP_NAME) -> Inventory:
    """Everything of the lesson's that the teardown may remove, as *session* sees it (notebook 06)."""
    ident = aws.client(session, "sts").get_caller_identity()
    iam = aws.client(session, "iam")
    unseen: dict[str, str] = {}
    reader = _Reader(unseen)
    found = reader.read("the user", "GetUser", lambda: _missing(lambda: iam.get_user(UserName=user)), None)
    user_inv = None
    if found is not None:
        u = found["User"]
        # One attempt for the listing an endpoint may not offer: retrying it would only take seconds.
        single = session.client("iam", config=aws.CLIENT_CONFIG.merge(Config(retries={"max_attempts": 1})))
        user_inv = _user(iam, single, reader, u["UserName"], u["Arn"])
    policy = reader.read(
        "the password policy",
        "GetAccountPasswordPolicy",
        lambda: _missing(iam.get_account_password_policy) is not None,
        False,
    )
    return Inventory(
        account_id=ident["Account"],
        caller_arn=ident["Arn"],
        user=user_inv,
        group=_group(iam, reader, group),
        password_policy=bool(policy),
        unseen=unseen,
    )
