"""The check record, the ``@check`` decorator that registers one, and the runner (notebook 05, every card).

A check is a pure function over one ``Snapshot`` returning ``(status, message, resource)`` triples,
and a record of keyword arguments beside it, as Prowler keeps its metadata beside each check:

    @check(id="iam_root_mfa_enabled", title=..., group="root", severity="critical",
           cis=("1.4", "Ensure MFA is enabled for the 'root' user account"), risk=..., remediation=(...),
           needs=(SUMMARY, REPORT))
    def _root_mfa_enabled(snapshot): ...

``CHECKS`` keeps the registration order, and that order is the display order (tables, export,
notebook 05's explanations). Registering an ID twice, an unknown severity, or a check with both or
neither of ``cis`` and ``beyond_cis`` raises at import, so no check goes missing silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from helpers.status.model import PART_LABELS, PARTS, ROOT, Finding, Snapshot, Status

SEVERITIES = ("critical", "high", "medium", "low")
# Prowler's page for a check (the Url its metadata gives under Remediation > Recommendation).
PROWLER_HUB = "https://hub.prowler.com/check/"

Verdicts = list[tuple[Status, str, str]]


@dataclass(frozen=True)
class Check:
    """A check's record (what a learner reads) and the function that judges a snapshot."""

    id: str  # Prowler's check ID
    title: str
    group: str  # notebook 05's section: root, users, password or keys
    severity: str  # Prowler's: critical, high, medium or low
    link: str  # a page the learner can open: Prowler's page for the check, or AWS's documentation
    risk: str
    remediation: tuple[str, ...]
    needs: tuple[str, ...]  # the snapshot parts it reads (model.PARTS)
    run: Callable[[Snapshot], list[Finding]]
    cis_v5: tuple[str, str] | None = None  # (number, title) in the CIS AWS Foundations Benchmark v5.0
    beyond_cis: str = ""  # why a check with no current CIS recommendation is here
    resource: str = "account"
    # True when the check can decide from either of its parts (the root checks use the live summary
    # or, failing that, the report); it then reports UNKNOWN itself.
    either_part: bool = False
    checklist: str = ""  # the line of the console's five-item checklist it counts towards, if any

    @property
    def cis(self) -> str:
        """The CIS AWS Foundations Benchmark v5.0 recommendation this check serves, or "" (see ``beyond_cis``)."""
        return f"CIS AWS Foundations Benchmark v5.0, {self.cis_v5[0]}: {self.cis_v5[1]}" if self.cis_v5 else ""

    @property
    def reference(self) -> str:
        """One line crediting the check: Prowler's ID, then CIS v5.0 or what it goes beyond."""
        return f"Prowler check {self.id}; " + (self.cis or self.beyond_cis) + "."

    @property
    def link_text(self) -> str:
        """The words a link to ``link`` shows, naming the check (so no two links read the same)."""
        where = "Prowler's page" if self.link.startswith(PROWLER_HUB) else "AWS documentation"
        return f"{where} for {self.id}"

    def numbered_remediation(self) -> str:
        """The remediation steps as "1. ... 2. ..." lines."""
        return "\n".join(f"{i}. {step}" for i, step in enumerate(self.remediation, 1))


CHECKS: dict[str, Check] = {}


def check(
    *,
    id: str,
    severity: str,
    cis: tuple[str, str] | None = None,
    beyond_cis: str = "",
    link: str = "",
    **record,
) -> Callable[[Callable[[Snapshot], Verdicts]], Callable[[Snapshot], Verdicts]]:
    """Decorator: register a check. *record* holds the other ``Check`` fields by name (title, group, risk,
    remediation, needs, and optionally resource, either_part, checklist); *link* defaults to Prowler's page.
    """
    if id in CHECKS:
        raise ValueError(f"The check {id} is registered twice.")
    if severity not in SEVERITIES:
        raise ValueError(f"The check {id} has severity {severity!r}; use one of {', '.join(SEVERITIES)}.")
    if bool(cis) == bool(beyond_cis):
        raise ValueError(f"The check {id} needs exactly one of cis=(number, title) and beyond_cis='why'.")

    def wrap(func: Callable[[Snapshot], Verdicts]) -> Callable[[Snapshot], Verdicts]:
        def run(snapshot: Snapshot) -> list[Finding]:
            return [Finding(id, status, message, res, severity) for status, message, res in func(snapshot)]

        link_ = link or PROWLER_HUB + id
        CHECKS[id] = Check(id=id, severity=severity, link=link_, run=run, cis_v5=cis, beyond_cis=beyond_cis, **record)
        return func

    return wrap


def groups() -> dict[str, tuple[str, ...]]:
    """The check IDs by group, groups in the order their first check was registered."""
    found: dict[str, tuple[str, ...]] = {}
    for record in CHECKS.values():
        found[record.group] = found.get(record.group, ()) + (record.id,)
    return found


def run_checks(snapshot: Snapshot, ids: list[str] | None = None) -> list[Finding]:
    """Every check (or those in *ids*) on *snapshot*; UNKNOWN where a needed part is missing (notebook 05)."""
    findings: list[Finding] = []
    for record in CHECKS.values():
        if ids is not None and record.id not in ids:
            continue
        findings.extend(_run_one(record, snapshot))
    return findings


def _run_one(record: Check, snapshot: Snapshot) -> list[Finding]:
    gaps = [part for part in record.needs if not snapshot.has(part)]
    if gaps and not record.either_part:
        message = unknown_message(snapshot, gaps, record.resource)
        return [Finding(record.id, "UNKNOWN", message, record.resource, record.severity)]
    return record.run(snapshot)


_SUBJECTS = {ROOT: "the root user", "password_policy": "the password policy"}
NO_ROOT_ROW = "Cannot tell for the root user, because the credential report has no row for it."


def unknown_message(snapshot: Snapshot, parts: list[str], resource: str = "account") -> str:
    """Why a check cannot decide on *resource*: which part could not be read, and why (e.g. a permission)."""
    reasons = [f"{PART_LABELS[p]} could not be read: {snapshot.missing[p].rstrip('.')}" for p in parts]
    subject = _SUBJECTS.get(resource, "the account")
    return f"Cannot tell for {subject}, because " + "; ".join(reasons) + "."


def missing_permission_reason(part: str) -> str:
    """The reason recorded when AWS refused *part* with AccessDenied."""
    return f"the caller lacks the permission {PARTS[part]}"


# --- small parsers for the credential report's values ------------------------------------------


def flag(value: object) -> bool | None:
    """A report flag: ``true`` -> True, ``false`` -> False, ``not_supported``/``N/A``/anything else -> None."""
    text = str(value).strip().lower()
    if text == "true":
        return True
    if text == "false":
        return False
    return None


def when(value: object) -> datetime | None:
    """A report timestamp (``2026-11-29T13:06:47+00:00``) or None for ``N/A``/``no_information``/``not_supported``."""
    text = str(value or "").strip()
    if not text or text[0] not in "0123456789":
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def days_since(then: datetime, snapshot: Snapshot) -> int:
    """Whole days from *then* to the moment the snapshot was taken."""
    return (snapshot.taken_at - then).days


def user_label(name: str) -> str:
    """How a finding names a report row's user: "The root user" or "User <name>"."""
    return "The root user" if name == ROOT else f"User {name}"


def plural(n: int, word: str) -> str:
    """ "1 day", "2 days"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
