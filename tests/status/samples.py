"""Snapshots built by hand (a new account, a secured one) for the status tests and for trying checks; no AWS."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from helpers.names import CIS_PASSWORD_POLICY
from helpers.status.model import GroupDetail, Snapshot, UserDetail

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
# The lesson's policy (helpers.names) as GetAccountPasswordPolicy reads it back.
GOOD_POLICY = {**CIS_PASSWORD_POLICY, "ExpirePasswords": False}


def stamp(days_ago: float) -> str:
    """A credential-report timestamp *days_ago* days before NOW."""
    return (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def row(user: str, **values: str) -> dict[str, str]:
    """A credential-report row with AWS's defaults for a user without password, MFA or keys."""
    base = {
        "user": user,
        "arn": "arn:aws:iam::123456789012:root"
        if user == "<root_account>"
        else f"arn:aws:iam::123456789012:user/{user}",
        "user_creation_time": stamp(200),
        "password_enabled": "not_supported" if user == "<root_account>" else "false",
        "password_last_used": "no_information",
        "password_last_changed": "N/A",
        "password_next_rotation": "N/A",
        "mfa_active": "false",
        "access_key_1_active": "false",
        "access_key_1_last_rotated": "N/A",
        "access_key_1_last_used_date": "N/A",
        "access_key_1_last_used_region": "N/A",
        "access_key_1_last_used_service": "N/A",
        "access_key_2_active": "false",
        "access_key_2_last_rotated": "N/A",
        "access_key_2_last_used_date": "N/A",
        "access_key_2_last_used_region": "N/A",
        "access_key_2_last_used_service": "N/A",
        "cert_1_active": "false",
        "cert_1_last_rotated": "N/A",
        "cert_2_active": "false",
        "cert_2_last_rotated": "N/A",
    }
    base.update(values)
    return base


def summary(**values: int) -> dict[str, int]:
    """A GetAccountSummary SummaryMap (a new account's values unless overridden)."""
    base = {
        "Users": 0,
        "Groups": 0,
        "Roles": 0,
        "Policies": 0,
        "Providers": 0,
        "MFADevicesInUse": 0,
        "AccountMFAEnabled": 0,
        "AccountAccessKeysPresent": 1,
        "AccountPasswordPresent": 1,
    }
    base.update(values)
    return base


def snapshot(
    *,
    rows: list[dict[str, str]] | None = None,
    summary_map: dict[str, int] | None = None,
    policy: dict | None = None,
    users: tuple[UserDetail, ...] = (),
    groups: tuple[GroupDetail, ...] = (),
    missing: dict[str, str] | None = None,
) -> Snapshot:
    """A snapshot of a brand-new account (root key, no MFA, no users) unless overridden."""
    rows = (
        [row("<root_account>", access_key_1_active="true", access_key_1_last_rotated=stamp(3))]
        if rows is None
        else rows
    )
    return Snapshot(
        taken_at=NOW,
        summary=summary() if summary_map is None else summary_map,
        credential_report=tuple(rows),
        report_generated=NOW - timedelta(minutes=5),
        password_policy=policy,
        users=users,
        groups=groups,
        missing=dict(missing or {}),
    )


def secured(**overrides) -> Snapshot:
    """The account as the lesson leaves it: no root keys, root MFA, AML@Packt in its group, CIS policy."""
    rows = [
        row("<root_account>", mfa_active="true", password_last_used=stamp(3)),
        row(
            "AML@Packt",
            password_enabled="true",
            mfa_active="true",
            access_key_1_active="true",
            access_key_1_last_rotated=stamp(2),
            access_key_1_last_used_date=stamp(0.5),
        ),
    ]
    values = dict(
        rows=rows,
        summary_map=summary(Users=1, Groups=1, AccountMFAEnabled=1, AccountAccessKeysPresent=0),
        policy=dict(GOOD_POLICY),
        users=(UserDetail("AML@Packt", "arn:aws:iam::123456789012:user/AML@Packt", groups=("aml-packt-users",)),),
        groups=(GroupDetail("aml-packt-users", ("AmazonS3FullAccess", "IAMReadOnlyAccess")),),
    )
    values.update(overrides)
    return snapshot(**values)
