"""Helpers for the AML@Packt account walkthrough.

Every notebook opens with ``import helpers as aml`` and then calls named helpers, e.g.
``aml.account.current_account()``. Submodules load on first use: importing this package
connects, starts and configures nothing, and costs no boto3, pandas or ipywidgets import until a
cell needs them. This ``__getattr__`` is the project's one lazy import: subpackages (``aml.status``,
``aml.ui`` ...) import their modules plainly once they are reached.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"


def __getattr__(name: str):
    if not name.startswith("_"):
        try:
            return importlib.import_module(f"helpers.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"helpers.{name}":
                raise
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")
