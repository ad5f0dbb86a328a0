"""What a lesson kernel says instead of a traceback: after a restart, and for AWS errors in a raw cell.

Kernels started by ``make lab``, the workshop hub and the tests use the ``python3`` kernel spec in
``helpers/kernelspec`` (its folder is put first on ``JUPYTER_PATH`` by ``with_lesson_kernel``), which
loads this module as an IPython extension. A learner's own ``~/.ipython`` is never touched.

- ``NameError: name 'aml' is not defined`` (the kernel restarted, so the first cell's import is gone)
  becomes one sentence saying to run the first cell again.
- An AWS SDK error raised by a cell's own code (notebooks 01, 03 and 04 each have one editable boto3
  cell), or any error raised inside the lesson's helpers that no guard caught (a form class built
  directly, say), becomes ``helpers.errors.explain``'s sentence.

The cell still ends in error (its execute reply says so), so Run All stops there, as it should; only
the sentence is shown. Anything else keeps IPython's usual traceback, and so does every error when
``AML_WALKTHROUGH_TRACEBACKS=1``.
"""

from __future__ import annotations

import os
from pathlib import Path

RESTART_SENTENCE = "The kernel restarted, so `aml` is gone: run the first cell (import helpers as aml) again."

# Put this folder first on JUPYTER_PATH: it holds kernels/python3/kernel.json (same name and label
# as ipykernel's own, plus ``--ext=helpers.kernel_hooks``).
KERNELSPEC_DIR = Path(__file__).resolve().parent / "kernelspec"

_LESSON_NAMES = ("aml",)


def with_lesson_kernel(env: dict[str, str]) -> dict[str, str]:
    """*env* with the lesson's kernel spec folder first on ``JUPYTER_PATH`` (make lab, the hub, the tests)."""
    paths = [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != str(KERNELSPEC_DIR)]
    return {**env, "JUPYTER_PATH": os.pathsep.join([str(KERNELSPEC_DIR), *paths])}


def _missing_name(value: BaseException) -> str | None:
    name = getattr(value, "name", None)
    if name:
        return name
    text = str(value)
    return text.split("'")[1] if text.startswith("name '") and text.count("'") >= 2 else None


_HELPERS = str(Path(__file__).resolve().parent)


def _raised_in_helpers(tb) -> bool:
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(_HELPERS):
            return True
        tb = tb.tb_next
    return False


def _sentence(value: BaseException, tb) -> str | None:
    """``explain``'s sentence for an AWS SDK error or an error raised inside the lesson's helpers; else None."""
    module = type(value).__module__ or ""
    if not (module.startswith(("botocore", "boto3")) or _raised_in_helpers(tb)):
        return None
    from helpers.errors import explain

    return explain(value)


def _show(sentence: str) -> None:
    """The sentence as the guarded cells show theirs (a ``Notice``: `code` rendered as code, plain text too)."""
    from IPython.display import display

    from helpers.notice import Notice

    display(Notice(sentence, ok=False))


def _handler(shell, etype, value, tb, tb_offset=None):
    # Without `aml` in the namespace, the first cell has not run in this kernel: any missing name
    # (aml, or a variable an earlier cell set) comes from the restart.
    if issubclass(etype, NameError) and (
        _missing_name(value) in _LESSON_NAMES or not any(n in shell.user_ns for n in _LESSON_NAMES)
    ):
        _show(RESTART_SENTENCE)
        return None
    if os.environ.get("AML_WALKTHROUGH_TRACEBACKS") != "1":
        sentence = _sentence(value, tb)
        if sentence:
            _show(sentence)
            return None
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    return None


def load_ipython_extension(shell) -> None:
    """Installed by the lesson's kernel spec (``--ext=helpers.kernel_hooks``)."""
    shell.set_custom_exc((Exception,), _handler)
