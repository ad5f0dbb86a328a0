"""The account's security status: one snapshot, Prowler-named checks, the checklist card (notebook 05).

``aml.status.card()`` on top of every notebook; ``take_snapshot``, ``run_checks`` and the tables in
notebook 05; ``python -m helpers.status`` in a terminal. Submodules load on first use.
"""

from __future__ import annotations

from helpers.lazy import lazy_exports

_EXPORTS = {
    "take_snapshot": "helpers.status.snapshot",
    "Snapshot": "helpers.status.model",
    "Finding": "helpers.status.model",
    "run_checks": "helpers.status.checks",
    "checklist": "helpers.status.checks",
    "CHECKS": "helpers.status.checks",
    "CHECKLIST": "helpers.status.checks",
    "card": "helpers.status.card_view",
    "show_card": "helpers.status.card_view",
    "assets_table": "helpers.status.views",
    "checks_table": "helpers.status.views",
    "report_table": "helpers.status.views",
    "explain_checks": "helpers.status.views",
    "export": "helpers.status.views",
    "dashboard": "helpers.status.views",
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
