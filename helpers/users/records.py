"""The records notebook 02's plans are built from and made of (no AWS calls, no logic beyond a lookup).

``observe.observe()`` fills an :class:`Observed`; the builders in ``plan`` and ``key_plan`` turn it into
a :class:`helpers.plan.Plan` of :class:`Step` objects (a ``Change`` plus what ``apply`` needs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from helpers.credentials.profiles import ProfileInfo
from helpers.errors import WalkthroughError
from helpers.names import USER_NAME
from helpers.plan import Change

MAX_KEYS = 2


@dataclass(frozen=True)
class Step(Change):
    """A plan line plus what applying it needs (never a secret)."""

    params: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class KeyInfo:
    """One access key of the user (its ID is not a secret)."""

    key_id: str
    status: str  # "Active" or "Inactive"
    created: datetime | None = None

    @property
    def active(self) -> bool:
        return self.status == "Active"


@dataclass(frozen=True)
class Observed:
    """The account as far as notebook 02 cares, gathered by ``observe.observe()``."""

    account_id: str
    caller_arn: str
    user_name: str | None = None  # the name as IAM spells it (matched ignoring case)
    user_arn: str | None = None
    group_exists: bool = False
    user_in_group: bool = False
    group_policies: frozenset[str] = frozenset()  # managed policy names on the group
    self_service_policy: bool = False  # the customer-managed aml-packt-self-service-mfa exists
    user_policies: frozenset[str] = frozenset()  # managed policy names directly on the user
    login_profile: bool = False
    keys: tuple[KeyInfo, ...] = ()
    password_policy: dict | None = None  # None: the account has no password policy
    profile: ProfileInfo | None = None

    @property
    def caller_is_root(self) -> bool:
        return self.caller_arn.endswith(":root")

    @property
    def user(self) -> str:
        """The name to act on: the existing user's spelling, else AML@Packt."""
        return self.user_name or USER_NAME

    def profile_key(self) -> KeyInfo | None:
        """The user's key that the profile holds, if it holds one."""
        if self.profile is None or self.profile.key_id is None:
            return None
        return next((k for k in self.keys if k.key_id == self.profile.key_id), None)


class ProfileConflictError(WalkthroughError):
    """The chosen profile name already holds another identity's key."""


class KeyLimitError(WalkthroughError):
    """The user already has the two access keys IAM allows, and neither is in the profile."""


def signin_url(account_id: str) -> str:
    """The account's console sign-in page for IAM users (notebook 02 shows it)."""
    return f"https://{account_id}.signin.aws.amazon.com/console"
