"""What the security status looks like: the checklist card, the tables, the instructor's export.

``card()`` is the one-liner on top of every notebook; the rest is notebook 05. Every function takes
*source*: a ``Snapshot`` already taken, an ``Account``, a boto3 ``Session``, or nothing (the account
chosen in notebook 00, acting as its active profile). Nothing here shows a secret: the credential
report holds none, and its table keeps only an allow-list of columns.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import boto3
import pandas as pd

from helpers.account import Account, AccountChoiceError, current_account
from helpers.errors import WalkthroughError, cell_guard, explain
from helpers.notice import sentence_html
from helpers.state import state_dir
from helpers.status.checks import CHECKS, ChecklistResult, checklist, run_checks
from helpers.status.model import PART_LABELS, ROOT, Finding, Snapshot
from helpers.status.snapshot import take_snapshot
from helpers.tables import region_html
from helpers.textfiles import write_atomic

Source = Snapshot | Account | boto3.Session | None

_COLOURS = {"PASS": ("#1a7f37", "\u2714"), "FAIL": ("#cf222e", "\u2718"), "UNKNOWN": ("#9a6700", "?")}
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


def _describe_source(source: Source) -> str:
    if isinstance(source, Account):
        return f"as {source.profile}" if source.profile else ""
    if isinstance(source, boto3.Session) and source.profile_name not in (None, "default"):
        return f"as {source.profile_name}"
    return ""


def snapshot_of(source: Source = None, **options) -> tuple[Snapshot, str]:
    """A snapshot of *source* and a few words saying whose view it is (e.g. "as aml-packt")."""
    if isinstance(source, Snapshot):
        return source, ""
    if source is None:
        source = current_account()
    who = _describe_source(source)
    session = source.session() if isinstance(source, Account) else source
    return take_snapshot(session, **options), who


# --- the card ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """The five-item checklist as a compact green/red card (HTML in Jupyter, text in a terminal)."""

    items: tuple[ChecklistResult, ...] = ()
    account_id: str | None = None
    who: str = ""
    note: str = ""

    @property
    def done(self) -> int:
        """How many of the five items pass."""
        return sum(item.status == "PASS" for item in self.items)

    def headline(self) -> str:
        """One line: whose account, and how many items are done."""
        account = f"account {self.account_id}" if self.account_id else "this account"
        who = f" {self.who}" if self.who else ""
        return f"Security status of {account}{who}: {self.done} of {len(self.items)} done."

    def __str__(self) -> str:
        if not self.items:
            return self.note
        lines = [self.headline()]
        lines += [f"  [{i.status:<7}] {i.title}: {i.message}" for i in self.items]
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        box = (
            "border:1px solid #d0d7de;border-radius:6px;padding:6px 10px;display:inline-block;"
            "font-family:system-ui,sans-serif;font-size:13px;line-height:1.5"
        )
        if not self.items:
            return f'<div class="aml-status-card" style="{box}">{sentence_html(self.note)}</div>'
        rows = []
        for item in self.items:
            colour, mark = _COLOURS[item.status]
            rows.append(
                f'<li class="aml-status-{item.status.lower()}" title="{html.escape(item.message)}">'
                f'<span style="display:inline-block;width:1.3em;text-align:center;color:#fff;'
                f'background:{colour};border-radius:3px;margin-right:6px">{mark}</span>'
                f"{html.escape(item.title)}"
                f'<span style="color:#57606a"> &mdash; {html.escape(item.message)}</span></li>'
            )
        note = f'<div style="color:#57606a">{sentence_html(self.note)}</div>' if self.note else ""
        return (
            f'<div class="aml-status-card" style="{box}"><b>{html.escape(self.headline())}</b>'
            f'<ul style="list-style:none;margin:4px 0 0 0;padding:0">{"".join(rows)}</ul>{note}</div>'
        )


NO_PROFILE = (
    "Security status: no profile is active yet. Set up your credentials in notebook 01, "
    "then this shows where the account stands."
)


class _Waiting:
    """A single line that says the credential report is being generated, then disappears."""

    def __init__(self) -> None:
        self.handle = None

    def __call__(self, message: str) -> None:
        from IPython.display import display

        if self.handle is None:
            self.handle = display(_Line(message), display_id=True)
        if self.handle is not None:
            self.handle.update(_Line(message))

    def done(self) -> None:
        if self.handle is not None:
            self.handle.update(_Line(""))


@dataclass(frozen=True)
class _Line:
    text: str

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return f'<span class="aml-status-waiting">{html.escape(self.text)}</span>'


def _read(source: Source, **options) -> tuple[Snapshot | None, str]:
    """(snapshot, whose view) or (None, one sentence saying why there is none): views never raise."""
    waiting = _Waiting()
    options.setdefault("progress", waiting)
    try:
        return snapshot_of(source, **options)
    except AccountChoiceError:
        return None, NO_PROFILE
    except WalkthroughError as exc:
        return None, f"Security status unavailable: {exc}"
    except Exception as exc:  # noqa: BLE001 - the card heads every notebook and must never stop Run All
        return None, f"Security status unavailable: {explain(exc)}"
    finally:
        waiting.done()


@cell_guard
def card(source: Source = None, **options) -> Card:
    """The checklist card for the top of every notebook; one line instead when it cannot be read."""
    snapshot, who = _read(source, **options)
    if snapshot is None:
        return Card(note=who)
    findings = run_checks(snapshot)
    return Card(tuple(checklist(snapshot, findings)), snapshot.account_id, who, _gaps_note(snapshot))


def show_card(source: Source = None) -> None:
    """Display the card (same as leaving ``card()`` as a cell's last line)."""
    from IPython.display import display

    display(card(source))


def _gaps_note(snapshot: Snapshot) -> str:
    if not snapshot.missing:
        return ""
    parts = ", ".join(PART_LABELS[p] for p in snapshot.missing)
    return f"Partial view: could not read {parts} (see the checks table for why)."


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
    snapshot, why = _read(source)
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
    """Every check's findings, coloured by status (a Table around a pandas Styler) - notebook 05."""
    snapshot, why = _read(source)
    if snapshot is None:
        return Card(note=why)
    frame = findings_frame(run_checks(snapshot))
    frame["resource"] = frame["resource"].map(resource_label)
    styler = (
        # escape: a user name or message could hold <, which a browser would otherwise take for a tag.
        frame.style.format(escape="html")
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
    snapshot, why = _read(source)
    if snapshot is None:
        return Card(note=why)
    frame = snapshot.credential_report
    if frame is None:
        frame = pd.DataFrame(columns=list(REPORT_COLUMNS))
    shown = frame[[c for c in REPORT_COLUMNS if c in frame.columns]].copy()
    if "user" in shown.columns:
        shown["user"] = shown["user"].map(resource_label)
    styler = shown.style.format(escape="html").hide(axis="index").set_caption(html.escape(freshness(snapshot)))
    return Table(styler, "The credential report")


# The checks in the groups notebook 05 explains them in.
CHECK_GROUPS: dict[str, tuple[str, ...]] = {
    "root": ("iam_no_root_access_key", "iam_root_mfa_enabled", "iam_avoid_root_usage"),
    "users": ("iam_individual_users_exist", "iam_policy_attached_only_to_group_or_roles"),
    "password": tuple(c for c in CHECKS if c.startswith("iam_password_policy_")),
    "keys": (
        "iam_user_mfa_enabled_console_access",
        "iam_rotate_access_key_90_days",
        "iam_user_accesskey_unused",
        "iam_user_two_active_access_key",
    ),
}


@cell_guard
def explain_checks(ids: str | list[str] | None = None):
    """Each check's title, severity, why it matters and how to fix it, as Markdown (notebook 05).

    *ids* is a list of check IDs, a group name from ``CHECK_GROUPS`` (root, users, password, keys), or None for all.
    """
    from IPython.display import Markdown

    if isinstance(ids, str):
        if ids not in CHECK_GROUPS:
            raise WalkthroughError(f"There is no check group {ids!r}: choose one of {', '.join(CHECK_GROUPS)}.")
        ids = list(CHECK_GROUPS[ids])
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
            f"*{_md(check.reference)}*\n\n{fix}"
        )
    return Markdown("\n".join(parts))


def _md(text: str) -> str:
    return html.escape(text, quote=False)


@cell_guard
def dashboard(source: Source = None) -> None:
    """Notebook 05's dashboard from one snapshot: the card, the asset counts, the full checks table."""
    from IPython.display import Markdown, display

    snapshot, who = _read(source)
    if snapshot is None:
        display(Card(note=who))
        return
    findings = run_checks(snapshot)
    display(Card(tuple(checklist(snapshot, findings)), snapshot.account_id, who, _gaps_note(snapshot)))
    display(Markdown(f"**Assets.** {_md(freshness(snapshot))}"))
    display(assets_table(snapshot))
    display(checks_table(snapshot, caption=False))  # "Checked at ..." is said once, just above


# --- the instructor's export ---------------------------------------------------------------------


@cell_guard
def export(source: Source = None, folder: Path | str | None = None) -> Exported | Card:
    """Write the results as CSV and JSON for an instructor; returns the two paths (notebook 05)."""
    snapshot, why = _read(source)
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
