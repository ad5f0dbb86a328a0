"""The checklist card on top of every notebook, and how every view reads its snapshot.

``card()`` is the one-liner on top of every notebook (notebooks 00-06). Every view takes *source*:
a ``Snapshot`` already taken, an ``Account``, a boto3 ``Session``, or nothing (the account chosen in
notebook 00, acting as its active profile); ``read_source`` turns it into a snapshot, or into one
sentence saying why there is none, so a view never raises. Nothing here shows a secret.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import boto3

from helpers.account import Account, AccountChoiceError, current_account
from helpers.errors import WalkthroughError, cell_guard, explain
from helpers.notice import sentence_html
from helpers.status.checks import ChecklistResult, checklist, run_checks
from helpers.status.model import PART_LABELS, Finding, Snapshot
from helpers.status.snapshot import take_snapshot

Source = Snapshot | Account | boto3.Session | None

_COLOURS = {"PASS": ("#1a7f37", "\u2714"), "FAIL": ("#cf222e", "\u2718"), "UNKNOWN": ("#9a6700", "?")}


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


def read_source(source: Source, **options) -> tuple[Snapshot | None, str]:
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
    snapshot, who = read_source(source, **options)
    if snapshot is None:
        return Card(note=who)
    return checklist_card(snapshot, who)


def checklist_card(snapshot: Snapshot, who: str = "", findings: list[Finding] | None = None) -> Card:
    """The card of a snapshot already taken (*findings*: its checks' findings, when already run)."""
    findings = run_checks(snapshot) if findings is None else findings
    return Card(tuple(checklist(snapshot, findings)), snapshot.account_id, who, gaps_note(snapshot))


def show_card(source: Source = None) -> None:
    """Display the card (same as leaving ``card()`` as a cell's last line)."""
    from IPython.display import display

    display(card(source))


def gaps_note(snapshot: Snapshot) -> str:
    """One sentence naming the parts the snapshot could not read, or ""."""
    if not snapshot.missing:
        return ""
    parts = ", ".join(PART_LABELS[p] for p in snapshot.missing)
    return f"Partial view: could not read {parts} (see the checks table for why)."
