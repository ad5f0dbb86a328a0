"""ipywidgets forms, one per step; each result goes into a ResultBox (helpers.ui.result); no boto3 here.

Notebooks reach a form through this package, e.g. ``aml.ui.account_picker()`` or
``aml.ui.account_form.AccountPicker()``; a form's module loads on first use.
"""

from __future__ import annotations

import importlib

# form factory -> the module that defines it
_FACTORIES = {
    "account_picker": "helpers.ui.account_form",
}


def __getattr__(name: str):
    if name in _FACTORIES:
        return getattr(importlib.import_module(_FACTORIES[name]), name)
    if not name.startswith("_"):
        try:
            return importlib.import_module(f"helpers.ui.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"helpers.ui.{name}":
                raise
    raise AttributeError(f"module 'helpers.ui' has no attribute {name!r}")
