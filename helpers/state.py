"""The per-user state folder (account choice, sandbox files, backups)."""

from __future__ import annotations

import os
from pathlib import Path

ENV_HOME = "AML_WALKTHROUGH_HOME"


def state_dir(create: bool = True) -> Path:
    """The walkthrough's per-user folder: ``$AML_WALKTHROUGH_HOME`` or ``~/.aml-walkthrough``."""
    path = Path(os.environ.get(ENV_HOME) or Path.home() / ".aml-walkthrough").expanduser()
    if create:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
