"""Helpers for the AML@Packt account walkthrough.

Every notebook opens with ``import helpers as aml`` and then calls named helpers, e.g.
``aml.account.current_account()``. Submodules load on first use: importing this package
connects, starts and configures nothing.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "account",
    "aws",
    "errors",
    "plan",
    "sources",
    "state",
    "textfiles",
    "credentials",
    "users",
    "root_keys",
    "mfa",
    "status",
    "cleanup",
    "ui",
    "lesson",
}


def __getattr__(name: str):
    if name in _LAZY:
        return importlib.import_module(f"helpers.{name}")
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")
