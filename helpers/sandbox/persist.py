"""The practice account's saved state: moto's backends and the root layer's facts, in one file.

moto keeps its state only in memory. The sandbox server (``_serve``) saves it after every
request that may have changed the account and restores it before it serves again, so the
account survives ``stop``/``start``, a reboot and a crash; only ``reset`` starts over.

What is saved: every moto backend in use (``BackendDict._instances``, i.e. IAM, STS, S3 and
whatever else the learner touched), pickled in one go so references between them survive, plus
the root layer's own state (a plain dict from ``RootLayer.saved_state``: its ``AccountState`` as
``to_dict`` gives it, plus the options and issued secrets a reset keeps; read back with
``AccountState.from_dict``, which ignores names it does not know and gives missing ones their
defaults, so a file from before a field was added still loads). AWS managed policies
that nobody attached or changed are not written (about 1,500 of them per account): on restore
they come from the new process's own, freshly loaded IAM backend.

The file holds secrets (key secrets, MFA seeds), so it is written atomically with mode 0600 into
the 0700 ``<state>/sandbox`` folder that ``helpers.state`` has checked. It is a pickle: only this
user can write it, and it is read only by this user's own server process. A file written by
another moto or Python version is not trusted to load: ``StateUnreadable`` says why, and the
server starts from the last reset's scenario instead.
"""

from __future__ import annotations

import copyreg
import importlib
import io
import json
import os
import pickle
import sys
from pathlib import Path

from helpers import textfiles

FORMAT = 1
_MAGIC = b"AMLSANDBOXSTATE\n"


class StateUnreadable(Exception):
    """The saved state exists but cannot be restored; ``str()`` is the reason (no secret in it)."""


def _versions() -> dict:
    import moto

    return {"format": FORMAT, "moto": moto.__version__, "python": list(sys.version_info[:2])}


# --------------------------------------------------------------------------- moto's backends
def _backend_dicts() -> list:
    from moto.core.base_backend import BackendDict

    return list(BackendDict._instances)


def _locate(backend_dict) -> tuple[str, str] | None:
    """(module, attribute) where moto keeps *backend_dict* (e.g. ``moto.iam.models``, ``iam_backends``)."""
    module = sys.modules.get(backend_dict.backend.__module__)
    if module is None:
        return None
    for name, value in vars(module).items():
        if value is backend_dict:
            return module.__name__, name
    return None


def _reduce_iam(backend):
    """Pickle an IAM backend without the AWS managed policies nobody attached or changed."""
    from moto.iam.models import AWSManagedPolicy

    state = dict(vars(backend))
    aws = backend.aws_managed_policies
    managed = list(backend.managed_policies.items())
    # moto builds ``managed_policies`` as the AWS list (in order) followed by customer policies:
    # anything else is saved whole.
    head = managed[: len(aws)]
    compact = len(head) == len(aws) and all(kept is policy for (_name, kept), policy in zip(head, aws, strict=True))
    if not compact or any(type(p) is AWSManagedPolicy for _name, p in managed[len(aws) :]):
        return (_new_iam, (), state)
    # Unattached, one version, no tags: exactly as the new process loads it (a hot loop: kept inline).
    changed = {
        i: p
        for i, p in enumerate(aws)
        if p.attachment_count or len(p.versions) != 1 or p.tags or type(p) is not AWSManagedPolicy
    }
    state["aws_managed_policies"] = {"count": len(aws), "changed": changed}
    state["managed_policies"] = managed[len(aws) :]  # customer-managed, in creation order
    return (_new_iam, (), state, None, None, _set_iam_state)


def _new_iam():
    from moto.iam.models import IAMBackend

    return IAMBackend.__new__(IAMBackend)


def _set_iam_state(backend, state: dict) -> None:
    from moto.iam.models import iam_backends

    saved = state["aws_managed_policies"]
    fresh = iam_backends[state["account_id"]][state["region_name"]].aws_managed_policies
    if len(fresh) != saved["count"]:
        raise StateUnreadable("this moto knows a different set of AWS managed policies")
    aws = [saved["changed"].get(i, policy) for i, policy in enumerate(fresh)]
    state["aws_managed_policies"] = aws
    state["managed_policies"] = {p.arn: p for p in aws} | dict(state["managed_policies"])
    backend.__dict__.update(state)


def _pickler(handle) -> pickle.Pickler:
    from moto.iam.models import IAMBackend

    pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table.copy()
    pickler.dispatch_table[IAMBackend] = _reduce_iam
    return pickler


def _moto_items() -> list[tuple[tuple[str, str], str, str, object]]:
    items = []
    for backend_dict in _backend_dicts():
        where = _locate(backend_dict)
        if where is None:
            continue
        for account_id, per_account in list(backend_dict.items()):
            for region, backend in list(per_account.items()):
                items.append((where, account_id, region, backend))
    return items


def dump(layer_state: dict) -> tuple[bytes, list[str]]:
    """The saved state as bytes, and the backends that could not be saved (named, e.g. ``s3``)."""
    items = _moto_items()
    skipped: list[str] = []
    payload = {"layer": layer_state, "moto": items}
    try:
        return _encode(payload), skipped
    except (pickle.PicklingError, TypeError, AttributeError):
        pass
    # One backend holds something that cannot be pickled (a lock, a socket): save the others.
    keep = []
    for item in items:
        try:
            _pickler(io.BytesIO()).dump(item[3])
            keep.append(item)
        except (pickle.PicklingError, TypeError, AttributeError):
            skipped.append(item[0][1].removesuffix("_backends"))
    payload["moto"] = keep
    return _encode(payload), sorted(set(skipped))


def _encode(payload: dict) -> bytes:
    # A readable header first: the versions are checked before anything is unpickled.
    out = io.BytesIO()
    out.write(_MAGIC + json.dumps(_versions()).encode() + b"\n")
    _pickler(out).dump(payload)
    return out.getvalue()


def save(path: Path, layer_state: dict) -> list[str]:
    """Write the state to *path* atomically (0600); returns the backends that could not be saved."""
    data, skipped = dump(layer_state)
    write_bytes_atomic(Path(path), data)
    return skipped


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace *path* with *data* in one step, 0600 from the first byte; a crash leaves the old file.

    No fsync: a crashed or killed server leaves the page cache to the kernel, which writes it;
    an fsync per request would cost more than the whole save.
    """
    textfiles.write_bytes_atomic(path, data, sync=False)


def load(path: Path) -> dict | None:
    """The saved state (``{"layer": ..., "moto": [...]}``), None when there is none; StateUnreadable otherwise."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateUnreadable(f"it could not be opened ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        data = handle.read()
    header, _newline, body = data[len(_MAGIC) :].partition(b"\n")
    if not data.startswith(_MAGIC) or not body:
        raise StateUnreadable("the file is damaged")
    try:
        versions = json.loads(header)
    except ValueError:
        raise StateUnreadable("the file is damaged") from None
    if versions != _versions():
        raise StateUnreadable("it was saved by another version of the practice account's software")
    try:
        payload = pickle.loads(body)
    except StateUnreadable:
        raise
    except Exception as exc:  # any unpickling failure means the file is damaged
        raise StateUnreadable(f"the file is damaged ({type(exc).__name__})") from None
    if not isinstance(payload, dict) or not {"layer", "moto"} <= payload.keys():
        raise StateUnreadable("the file is damaged")
    return payload


def set_aside(path: Path) -> None:
    """Move an unreadable state file to ``<name>.unreadable`` (0600, like the original) for whoever wants to look."""
    try:
        os.replace(path, path.with_name(path.name + ".unreadable"))
    except OSError:
        pass  # the next save writes a new file over it


def install(payload: dict) -> None:
    """Put the saved moto backends in place of the new process's own (call before serving)."""
    for (module, attribute), account_id, region, backend in payload["moto"]:
        backend_dict = getattr(importlib.import_module(module), attribute)
        per_account = backend_dict[account_id]  # creates the account's entry (and registers it)
        dict.__setitem__(per_account, region, backend)
