"""Notebook 05's views: the tables, each check explained, the dashboard, the instructor's export.

The card on top of every notebook is ``card_view.py``. Every function takes *source* (see ``card_view.Source``).
Nothing here shows a secret: the credential report holds none, and its table keeps only an
allow-list of columns.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from helpers.errors import WalkthroughError, cell_guard
from helpers.state import state_dir
from helpers.status.card_view import Card, Source, checklist_card, read_source
from helpers.status.checks import CHECKS, checklist, groups, run_checks
from helpers.status.model import ROOT, Finding, Snapshot
from helpers.tables import region_html
from helpers.textfiles import write_atomic

_ROW_STYLE = {
    "PASS": "background-color: #dafbe1",
    "FAIL": "background-color: #ffebe9",
    "UNKNOWN": "background-color: #fff8c5",
}

# The credential report's columns worth showing; anything else (and anything AWS adds later) stays out.
REPORT_COLUMNS = (
    "user",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
)


# --- notebook 05's tables ------------------------------------------------------------------------

# Internal resource names as the learner reads them (the JSON export keeps AWS's and Prowler's names).
_RESOURCE_NAMES = {ROOT: "the root user", "password_policy": "the password policy", "account": "the account"}


def resource_label(resource: str) -> str:
    """*resource* as a learner reads it: "the root user" for ``<root_account>``, and so on."""
    return _RESOURCE_NAMES.get(resource, resource)


class Table:
    """A styled table inside a scrolling region a keyboard can reach (tabindex, role and label, for axe).

    Behaves like its pandas Styler (``.data``, ``.to_html()``); shows without an index column.
    """

    def __init__(self, styler, label: str) -> None:
        self.styler = styler
        self.label = label

    @property
    def data(self) -> pd.DataFrame:
        """The table's rows (a DataFrame)."""
        return self.styler.data

    def to_html(self) -> str:
        """The table's HTML, without the scrolling region."""
        return self.styler.to_html()

    def __getattr__(self, name: str):
        if name == "styler":  # not set yet (copy, pickle): no recursion
            raise AttributeError(name)
        return getattr(self.styler, name)

    def __repr__(self) -> str:
        return self.data.to_string(index=False)

    def _repr_html_(self) -> str:
        return region_html(self.styler.to_html(), self.label)


def freshness(snapshot: Snapshot) -> str:
    """When the credential report was generated, and where the root verdicts come from."""
    taken = snapshot.taken_at.strftime("%Y-%m-%d %H:%M UTC")
    if snapshot.report_generated is None:
        return f"Checked at {taken}; the credential report could not be read."
    generated = snapshot.report_generated
    return (
        f"Checked at {taken}. The credential report was generated {generated:%Y-%m-%d %H:%M UTC} "
        f"({_age(snapshot.taken_at - generated)}); AWS reuses a report for up to 4 hours, so the root "
        "user's keys and MFA are read live from the account summary instead."
    )


def _age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} minutes before this check"
    if minutes < 48 * 60:
        return f"{minutes // 60} hours before this check"
    return f"{minutes // (24 * 60)} days before this check"


def assets_table(source: Source = None) -> Table | Card:
    """How many users, groups, roles, policies and identity providers the account has (IAM dashboard)."""
    snapshot, why = read_source(source)
    if snapshot is None:
        return Card(note=why)
    summary = snapshot.summary or {}
    rows = [
        ("Users", "Users"),
        ("User groups", "Groups"),
        ("Roles", "Roles"),
        ("Customer managed policies", "Policies"),
        ("Identity providers", "Providers"),
        ("MFA devices in use", "MFADevicesInUse"),
    ]
    counts = [summary.get(key) if snapshot.summary is not None else None for _, key in rows]
    frame = pd.DataFrame({"resource": [r for r, _ in rows], "count": counts})
    frame["count"] = frame["count"].astype("Int64")
    styler = frame.style.hide(axis="index").format(na_rep="unknown").set_properties(**{"text-align": "left"})
    return Table(styler, "The account's IAM resources")


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """The findings as a plain DataFrame (status, check, severity, resource, message)."""
    return pd.DataFrame(
        [
            {
                "status": f.status,
                "check_id": f.check_id,
                "severity": f.severity,
                "resource": f.resource,
                "message": f.message,
            }
            for f in findings
        ],
        columns=["status", "check_id", "severity", "resource", "message"],
    )


def checks_table(source: Source = None, caption: bool = True):
    """Every check's findings, coloured by status, each check ID a link to its page (a Table) - notebook 05."""
    snapshot, why = read_source(source)
    if snapshot is None:
        return Card(note=why)
    frame = findings_frame(run_checks(snapshot))
    frame["resource"] = frame["resource"].map(resource_label)
    styler = (
        # escape: a user name or message could hold <, which a browser would otherwise take for a tag.
        frame.style.format(escape="html")
        .format(_link_html, subset=["check_id"])
        .apply(lambda row: [_ROW_STYLE[row["status"]]] * len(row), axis=1)
        .hide(axis="index")
        .set_properties(**{"text-align": "left"})
        .set_properties(subset=["message"], **{"min-width": "24em"})
    )
    if caption:
        styler = styler.set_caption(html.escape(freshness(snapshot)))
    return Table(styler, "Every check's findings")


@cell_guard
def report_table(source: Source = None):
    """The credential report, one row per user, with only non-secret columns (notebook 05)."""
    snapshot, why = read_source(source)
    if snapshot is None:
        return Card(note=why)
    rows = snapshot.report_rows()
    present = {key for row in rows for key in row}
    columns = [c for c in REPORT_COLUMNS if c in present] if rows else list(REPORT_COLUMNS)
    shown = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns, dtype=object)
    if "user" in shown.columns:
        shown["user"] = shown["user"].map(resource_label)
    styler = shown.style.format(escape="html").hide(axis="index").set_caption(html.escape(freshness(snapshot)))
    return Table(styler, "The credential report")


@cell_guard
def explain_checks(ids: str | list[str] | None = None):
    """Each check's title, severity, why it matters and how to fix it, as Markdown (notebook 05).

    *ids* is a list of check IDs, a group name (root, users, password, keys: each check's ``group``), or None
    for all. Each check ends with a link to its page (Prowler's, or AWS's documentation).
    """
    from IPython.display import Markdown

    if isinstance(ids, str):
        by_group = groups()
        if ids not in by_group:
            raise WalkthroughError(f"There is no check group {ids!r}: choose one of {', '.join(by_group)}.")
        ids = list(by_group[ids])
    parts = []
    shown: dict[str, str] = {}  # remediation steps -> the first check that showed them
    for check in CHECKS.values():
        if ids is not None and check.id not in ids:
            continue
        # Markdown passes HTML through: escape so <root_account> and <user> placeholders show.
        steps = "\n".join(f"{i}. {_md(step)}" for i, step in enumerate(check.remediation, 1))
        # Checks that share their fix (the seven password-policy ones) show it once, not seven times.
        fix = f"How to fix it: as for `{shown[steps]}` above.\n" if steps in shown else f"How to fix it:\n\n{steps}\n"
        shown.setdefault(steps, check.id)
        parts.append(
            # h3: the notebook's sections are h2, and headings must not skip a level (axe: heading-order).
            f"### `{check.id}` ({check.severity})\n**{_md(check.title)}.** {_md(check.risk)}\n\n"
            f"*{_md(check.reference)}*\n\n{fix}\n{_link_md(check)}\n"
        )
    return Markdown("\n".join(parts))


def _md(text: str) -> str:
    return html.escape(text, quote=False)


def _link_md(check) -> str:
    # A paragraph of its own: a link inside running text would need more than colour (axe: link-in-text-block).
    return f"[{_md(check.link_text)}]({check.link})"


def _link_html(check_id: str) -> str:
    """The check's ID as a link to its page, in the table's own text colour (underlined: no new colour)."""
    check = CHECKS[check_id]
    return (
        f'<a href="{html.escape(check.link)}" target="_blank" rel="noopener" '
        f'style="color:inherit;text-decoration:underline">{html.escape(check_id)}</a>'
    )


@cell_guard
def dashboard(source: Source = None) -> None:
    """Notebook 05's dashboard from one snapshot: the card, the asset counts, the full checks table."""
    from IPython.display import Markdown, display

    snapshot, who = read_source(source)
    if snapshot is None:
        display(Card(note=who))
        return
    findings = run_checks(snapshot)
    display(checklist_card(snapshot, who, findings))
    display(Markdown(f"**Assets.** {_md(freshness(snapshot))}"))
    display(assets_table(snapshot))
    display(checks_table(snapshot, caption=False))  # "Checked at ..." is said once, just above


# --- the instructor's export ---------------------------------------------------------------------


@cell_guard
def export(source: Source = None, folder: Path | str | None = None) -> Exported | Card:
    """Write the results as CSV and JSON for an instructor; returns the two paths (notebook 05)."""
    snapshot, why = read_source(source)
    if snapshot is None:
        return Card(note=why)
    findings = run_checks(snapshot)
    folder = Path(folder) if folder is not None else state_dir() / "status"
    stamp = snapshot.taken_at.strftime("%Y%m%dT%H%M%SZ")
    base = folder / f"security-status-{snapshot.account_id or 'account'}-{stamp}"
    frame = findings_frame(findings)
    frame.insert(0, "account_id", snapshot.account_id or "")
    frame.insert(1, "checked_at", snapshot.taken_at.isoformat())
    paths = {"csv": base.with_suffix(".csv"), "json": base.with_suffix(".json")}
    write_atomic(paths["csv"], frame.to_csv(index=False), mode=0o644)
    write_atomic(paths["json"], json.dumps(results_document(snapshot, findings), indent=2) + "\n", mode=0o644)
    return Exported(paths)


class Exported(dict):
    """The exported files by format ({"csv": path, "json": path}); shows as one sentence."""

    def __repr__(self) -> str:
        return f"Wrote the results to {self['csv']} and {self['json']}."

    def _repr_html_(self) -> str:
        csv, doc = (html.escape(str(self[k])) for k in ("csv", "json"))
        return f"Wrote the results to <code>{csv}</code> and <code>{doc}</code>."


def results_document(snapshot: Snapshot, findings: list[Finding] | None = None) -> dict:
    """The results as one JSON-ready dict (what the export and the terminal's --json write)."""
    findings = run_checks(snapshot) if findings is None else findings

    def stamp(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "account_id": snapshot.account_id,
        "checked_at": stamp(snapshot.taken_at),
        "credential_report_generated": stamp(snapshot.report_generated),
        "missing": dict(snapshot.missing),
        "checklist": [
            {"title": i.title, "status": i.status, "message": i.message, "check_ids": list(i.check_ids)}
            for i in checklist(snapshot, findings)
        ],
        "findings": [f.as_dict() for f in findings],
    }
