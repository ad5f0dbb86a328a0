"""The per-user state folder (account choice, sandbox files, backups), checked before it is trusted.

It holds profiles and keys, so a folder that another user owns or can write is refused: that user
could swap in a profile whose ``credential_process`` runs their code as the learner.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from helpers.errors import WalkthroughError

ENV_HOME = "AML_WALKTHROUGH_HOME"


class StateFolderError(WalkthroughError):
    """The state folder (or its ``sandbox/``) is not private to this user; ``str()`` gives the fix."""


def _shown(path: Path) -> str:
    """*path* as the learner would type it (``~/...`` under their home)."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def check_private_folder(path: Path) -> None:
    """Refuse a folder that another user owns or that group or others may write (StateFolderError)."""
    info = os.stat(path)
    shown = _shown(Path(path))
    if not stat.S_ISDIR(info.st_mode):
        raise StateFolderError(
            f"{shown} is not a folder: move it away (`mv {shown} {shown}.old`) or set {ENV_HOME} to a folder of yours."
        )
    if info.st_uid != os.geteuid():
        raise StateFolderError(
            f"{shown} belongs to another user, so its profiles cannot be trusted: move it away "
            f"(`mv {shown} {shown}.untrusted`) so a new one is made, or set {ENV_HOME} to a folder of yours."
        )
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise StateFolderError(f"{shown} is writable by other users: run `chmod 700 {shown}`.")


def state_dir(create: bool = True) -> Path:
    """The walkthrough's per-user folder: ``$AML_WALKTHROUGH_HOME`` or ``~/.aml-walkthrough`` (checked private)."""
    path = Path(os.environ.get(ENV_HOME) or Path.home() / ".aml-walkthrough").expanduser()
    if create:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists():
        check_private_folder(path)
    return path
