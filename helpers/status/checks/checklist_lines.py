"""The IAM console's classic five-item "Security status" list: the card on top of every notebook.

Each item is made of the checks whose record names it (``checklist=`` in ``@check``), in the order
the checks were registered; nothing here lists a check ID again.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers.status.checks.registry import CHECKS, run_checks
from helpers.status.checks.users import GROUPS_ITEM
from helpers.status.model import Finding, Snapshot, Status


@dataclass(frozen=True)
class ChecklistItem:
    """One line of the IAM console's classic "Security status" list and the checks behind it."""

    title: str
    check_ids: tuple[str, ...]


@dataclass(frozen=True)
class ChecklistResult:
    """A checklist line's verdict and the sentence that explains it."""

    title: str
    status: Status
    message: str
    check_ids: tuple[str, ...]


def checklist_items() -> tuple[ChecklistItem, ...]:
    """The checklist's lines from the check records, each line where its first check was registered."""
    lines: dict[str, tuple[str, ...]] = {}
    for record in CHECKS.values():
        if record.checklist:
            lines[record.checklist] = lines.get(record.checklist, ()) + (record.id,)
    return tuple(ChecklistItem(title, ids) for title, ids in lines.items())


def checklist(snapshot: Snapshot, findings: list[Finding] | None = None) -> list[ChecklistResult]:
    """The five-item checklist for the card on top of every notebook (notebooks 00-06)."""
    findings = run_checks(snapshot) if findings is None else findings
    results = []
    for item in checklist_items():
        mine = [f for f in findings if f.check_id in item.check_ids]
        status, message = _combine(mine)
        if item.title == GROUPS_ITEM and status == "PASS":
            status, message = _groups_in_use(snapshot, message)
        results.append(ChecklistResult(item.title, status, message, item.check_ids))
    return results


def _combine(findings: list[Finding]) -> tuple[Status, str]:
    for status in ("FAIL", "UNKNOWN"):
        bad = list(dict.fromkeys(f.message for f in findings if f.status == status))
        if bad:
            extra = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            return status, bad[0][:-1] + extra + "."
    if not findings:
        return "UNKNOWN", "No check ran."
    if len(findings) == 1:
        return "PASS", findings[0].message
    return "PASS", f"All {len(findings)} of its checks pass."


def _groups_in_use(snapshot: Snapshot, message: str) -> tuple[Status, str]:
    # The console ticked this item only once groups carry the permissions: no user, or no group
    # with a member, means permissions are not assigned through groups yet.
    users = snapshot.users or ()
    if not users:
        return "FAIL", "No IAM user exists yet, so no group gives anyone permissions."
    members = {g for u in users for g in u.groups}
    with_policies = [g.name for g in snapshot.groups or () if g.name in members and g.attached_policies]
    if not members:
        return "FAIL", "No IAM user belongs to a group; put users in a group that carries their permissions."
    if not with_policies and snapshot.groups is not None:
        return "FAIL", "No group with members has a policy attached; attach the permissions to the group."
    return "PASS", f"Users get their permissions through groups ({', '.join(sorted(members))})."
