"""The security checks: pure functions over one snapshot, each registered with its record (notebook 05).

Check IDs, severities and verdicts follow Prowler's AWS IAM checks (the IDs are Prowler's, not CIS's),
so a later Prowler scan of the same account lines up with notebook 05. Each check's ``cis`` names the
CIS AWS Foundations Benchmark v5.0 recommendation it serves (number and title), or ``beyond_cis`` says
why it goes beyond current CIS; ``link`` is a page the learner can open (Prowler's page for the check).
A check never calls AWS: it reads a ``Snapshot``. When the part it needs could not be read, it answers
UNKNOWN and says why (usually the missing permission), and the other checks still run.

Where each check lives (registration order is display order, module by module):

- ``registry.py``: the ``Check`` record, the ``@check`` decorator, ``CHECKS``, ``run_checks``;
- ``root.py``: iam_no_root_access_key, iam_root_mfa_enabled (group root);
- ``users.py``: iam_individual_users_exist, iam_policy_attached_only_to_group_or_roles (group users);
- ``password.py``: the seven iam_password_policy_* checks (group password);
- ``report.py``: iam_user_mfa_enabled_console_access, iam_rotate_access_key_90_days,
  iam_user_accesskey_unused, iam_user_two_active_access_key (group keys), then iam_avoid_root_usage
  (group root, shown last);
- ``checklist_lines.py``: the card's five lines, made of the checks whose record names them.

To add a check: write ``@check(id=..., title=..., group=..., severity=..., cis=... or beyond_cis=...,
risk=..., remediation=..., needs=...)`` over a function of the snapshot in the module of its group,
at the place it should be shown. Nothing else lists it.
"""

from __future__ import annotations

from importlib import import_module

from helpers.status.checks.registry import (
    CHECKS,
    PROWLER_HUB,
    Check,
    check,
    days_since,
    flag,
    groups,
    missing_permission_reason,
    run_checks,
    unknown_message,
    when,
)

# The order of the modules is the order the checks are shown in (not left to an import sorter).
for _module in ("root", "users", "password", "report"):
    import_module(f"{__name__}.{_module}")

from helpers.status.checks.checklist_lines import ChecklistItem, ChecklistResult, checklist, checklist_items  # noqa: E402

CHECKLIST: tuple[ChecklistItem, ...] = checklist_items()

__all__ = [
    "CHECKLIST",
    "CHECKS",
    "PROWLER_HUB",
    "Check",
    "ChecklistItem",
    "ChecklistResult",
    "check",
    "checklist",
    "checklist_items",
    "days_since",
    "flag",
    "groups",
    "missing_permission_reason",
    "run_checks",
    "unknown_message",
    "when",
]
