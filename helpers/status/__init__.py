"""The account's security status: one snapshot, Prowler-named checks, the checklist card (notebook 05).

``aml.status.card()`` on top of every notebook; ``take_snapshot``, ``run_checks`` and the tables in
notebook 05; ``python -m helpers.status`` in a terminal. ``aml.status`` loads on first use (the lazy
``helpers`` package); inside it everything imports plainly, except that notebook 05's tables and
export (``views``, which needs pandas: about half a second per kernel) load when first called, so the
card on the other notebooks costs no pandas import.
"""

from __future__ import annotations

from helpers.errors import cell_guard
from helpers.status.card_view import card, show_card
from helpers.status.checks import CHECKLIST, CHECKS, checklist, run_checks
from helpers.status.model import Finding, Snapshot
from helpers.status.snapshot import take_snapshot

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


# Notebook 05's views, reached as aml.status.<view>: each imports helpers.status.views (and pandas) when called.


@cell_guard
def assets_table(source=None):
    """How many users, groups, roles, policies and identity providers the account has (``views.assets_table``)."""
    from helpers.status import views

    return views.assets_table(source)


@cell_guard
def checks_table(source=None, caption: bool = True):
    """Every check's findings, coloured by status (``views.checks_table``)."""
    from helpers.status import views

    return views.checks_table(source, caption=caption)


@cell_guard
def dashboard(source=None) -> None:
    """Notebook 05's dashboard: the card, the asset counts, the checks table (``views.dashboard``)."""
    from helpers.status import views

    return views.dashboard(source)


@cell_guard
def explain_checks(ids=None):
    """Each check's title, severity, why it matters and how to fix it (``views.explain_checks``)."""
    from helpers.status import views

    return views.explain_checks(ids)


@cell_guard
def export(source=None, folder=None):
    """Write the results as CSV and JSON for an instructor (``views.export``)."""
    from helpers.status import views

    return views.export(source, folder)


@cell_guard
def report_table(source=None):
    """The credential report, one row per user, non-secret columns only (``views.report_table``)."""
    from helpers.status import views

    return views.report_table(source)
