"""The account's security status: one snapshot, Prowler-named checks, the checklist card (notebook 05).

``aml.status.card()`` on top of every notebook; ``take_snapshot``, ``run_checks`` and the tables in
notebook 05; ``python -m helpers.status`` in a terminal. ``aml.status`` loads on first use (the lazy
``helpers`` package); inside it everything imports plainly.
"""

from __future__ import annotations

from helpers.status.card_view import card, show_card
from helpers.status.checks import CHECKLIST, CHECKS, checklist, run_checks
from helpers.status.model import Finding, Snapshot
from helpers.status.snapshot import take_snapshot
from helpers.status.views import assets_table, checks_table, dashboard, explain_checks, export, report_table

__all__ = [
    "CHECKLIST",
    "CHECKS",
    "Finding",
    "Snapshot",
    "assets_table",
    "card",
    "checklist",
    "checks_table",
    "dashboard",
    "explain_checks",
    "export",
    "report_table",
    "run_checks",
    "show_card",
    "take_snapshot",
]
