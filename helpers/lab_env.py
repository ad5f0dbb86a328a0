"""The environment JupyterLab gives its terminals and kernels: the lesson's Python first on PATH.

`make lab` (scripts/lab.py), the browser tests' JupyterLab (tests/browser_support.py) and the
workshop hub (deploy/jupyterhub/jupyterhub_config.py) all start JupyterLab with ``lesson_env()``, so
that in a JupyterLab terminal ``python -m helpers.status``, the practice account's own commands and
``aws --version`` run the lesson's own Python and AWS CLI, as notebook 05 and the README write them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from helpers.kernel_hooks import KERNELSPEC_DIR
from helpers.state import ENV_HOME, state_dir

ROOT = Path(__file__).resolve().parents[1]
# jupyter_server_config.py there starts terminals with terminal.rc (which puts the lesson's bin first
# again after a login profile reset PATH); labconfig/ turns JupyterLab's news pop-up off.
JUPYTER_CONFIG = ROOT / "scripts" / "jupyter-config"
ENV_BIN = "AML_LESSON_BIN"


def lesson_bin() -> Path:
    """The folder holding the lesson's ``python`` and ``aws`` (``.venv/bin`` under ``make lab``)."""
    # Not resolved: .venv/bin/python is a symlink to the system Python, whose folder is the wrong one.
    return Path(sys.executable).parent


def _prepend(value: str | None, first: str) -> str:
    rest = [part for part in (value or "").split(os.pathsep) if part and part != first]
    return os.pathsep.join([first, *rest])


def lesson_env(base: Mapping[str, str] | None = None, *, pin_state: bool = True) -> dict[str, str]:
    """*base* (default ``os.environ``) with the lesson's bin first on PATH and its Jupyter settings.

    With *pin_state*, ``AML_WALKTHROUGH_HOME`` is set to the state folder in use, so a terminal talks to
    the same practice account as the notebooks even if its shell changes ``HOME``.
    """
    env = dict(os.environ if base is None else base)
    env.pop("PYTHONHOME", None)  # would point the venv's python at another installation
    bin_dir = str(lesson_bin())
    env["PATH"] = _prepend(env.get("PATH") or os.defpath, bin_dir)
    env[ENV_BIN] = bin_dir
    if (Path(bin_dir).parent / "pyvenv.cfg").exists():
        env["VIRTUAL_ENV"] = str(Path(bin_dir).parent)
    env["JUPYTER_CONFIG_PATH"] = _prepend(env.get("JUPYTER_CONFIG_PATH"), str(JUPYTER_CONFIG))
    # The lesson's python3 kernel spec: a restarted kernel says "run the first cell" (helpers.kernel_hooks).
    env["JUPYTER_PATH"] = _prepend(env.get("JUPYTER_PATH"), str(KERNELSPEC_DIR))
    if pin_state and not env.get(ENV_HOME):
        env[ENV_HOME] = str(state_dir())
    return env
