"""Writing files that may hold secrets: atomically, mode 0600, with a timestamped backup (at most 3 kept)."""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path


def write_atomic(path: Path, text: str, mode: int = 0o600) -> None:
    """Replace *path* with *text* in one step (temp file + rename), created with *mode*.

    A reader never sees half a file, and a crash leaves the old file intact. The temp
    file is created 0600 before any byte is written, so a secret is never world-readable.
    """
    write_bytes_atomic(path, text.encode("utf-8"), mode)


def write_bytes_atomic(path: Path, data: bytes, mode: int = 0o600, sync: bool = True) -> None:
    """Replace *path* with *data* in one step, created 0600 before any byte is written, then given *mode*.

    *sync*: fsync before the rename (the practice account's state, saved after every request, skips it).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


MAX_BACKUPS = 3  # per file: enough to undo the last few saves; every copy of a secret is one more to leak


def backups_of(path: Path) -> list[Path]:
    """The dated backups of *path* (``<name>.bak-<stamp>``), oldest first."""
    path = Path(path)
    try:
        return sorted(p for p in path.parent.glob(f"{glob.escape(path.name)}.bak-?*") if p.is_file())
    except OSError:
        return []


def backup(path: Path, now: datetime | None = None, keep: int = MAX_BACKUPS) -> Path | None:
    """Copy *path* to ``<path>.bak-<UTC timestamp>`` (mode 0600) and return it; None if absent.

    The copy is written to a 0600 temp file and linked into place in one step (a reader never
    sees half a backup, and an existing backup is never overwritten). Only the newest *keep*
    backups of the file are kept: older ones are deleted (issue 15: backups hold secrets).
    """
    path = Path(path)
    if not path.exists():
        return None
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.bak-{stamp}")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.bak.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)
        os.link(tmp, target)  # fails if target exists: a backup is never replaced
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
    for old in backups_of(path)[: -max(keep, 1)]:
        try:
            old.unlink()
        except FileNotFoundError:
            pass
    return target
