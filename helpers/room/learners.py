"""The room's learners as Unix users: create them, and run a command as one of them (never as root).

The workshop hub (deploy/jupyterhub/jupyterhub_config.py) signs a learner in by name and the
room's password; the first time, :func:`ensure_user` creates the system user ``jupyter-<name>``
with a private home (0700), as The Littlest JupyterHub does. Everything the hub or the room board
does to a learner's files afterwards goes through :func:`run_as`: a child process with the
learner's uid, gid and no other groups, so a learner's symlinks, forged pids or odd files can do
no more than the learner could do alone.
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
import subprocess
import sys
from pathlib import Path

PREFIX = "jupyter-"
GROUP = "aml-learners"  # every learner the hub created; the room board lists its members
STATE = ".aml-walkthrough"  # the state folder inside a learner's home
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
# Variables a learner's processes may keep from the hub: locale and the proxy settings only.
KEEP = ("LANG", "LC_ALL", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy")


def system_name(hub_name: str) -> str:
    """The Unix user for the hub's learner *hub_name* (names are checked by the hub's pattern)."""
    return PREFIX + hub_name


def lesson_bin() -> Path:
    """The folder holding the lesson's ``python`` (``.venv/bin``), not resolved through its symlink."""
    return Path(sys.executable).parent


def learner_python() -> str:
    """The lesson's python, as learners run it."""
    return str(lesson_bin() / "python")


def ensure_user(name: str) -> pwd.struct_passwd:
    """The system user *name*, created (home 0700, in the group aml-learners) if it does not exist."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    subprocess.run(["groupadd", "--force", "--system", GROUP], check=True, capture_output=True)
    subprocess.run(
        ["useradd", "--create-home", "--shell", "/bin/bash", "--groups", GROUP, "--comment", "workshop learner", name],
        check=True,
        capture_output=True,
    )
    entry = pwd.getpwnam(name)
    os.chmod(entry.pw_dir, 0o700)  # private, whatever the machine's HOME_MODE
    return entry


def room_users() -> list[str]:
    """The learners' Unix users the hub created (members of the group aml-learners), sorted."""
    try:
        return sorted(grp.getgrnam(GROUP).gr_mem)
    except KeyError:
        return []


def learner_env(entry: pwd.struct_passwd, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A clean environment for *entry*: their HOME and state folder, the lesson's python first on PATH."""
    env = {key: os.environ[key] for key in KEEP if key in os.environ}
    env.update(
        {
            "HOME": entry.pw_dir,
            "USER": entry.pw_name,
            "LOGNAME": entry.pw_name,
            "SHELL": entry.pw_shell or "/bin/sh",
            "PATH": f"{lesson_bin()}:{SYSTEM_PATH}",
            "AML_WALKTHROUGH_HOME": str(Path(entry.pw_dir) / STATE),
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    env.update(extra or {})
    return env


def run_as(name: str, argv: list[str], *, timeout: float = 60, env: dict[str, str] | None = None):
    """Run *argv* as the (non-root) user *name* in their home; a CompletedProcess with text output.

    As root this drops to the learner's uid and gid with no supplementary groups and umask 077;
    run by that same user it simply runs. Anyone else is refused (PermissionError).
    """
    entry = pwd.getpwnam(name)
    if entry.pw_uid == 0:
        raise PermissionError(f"{name} is root: the room runs nothing as root on a learner's behalf.")
    drop = {}
    if os.geteuid() == 0:
        drop = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    elif os.geteuid() != entry.pw_uid:
        raise PermissionError(f"Only root or {name} can act as {name}.")
    return subprocess.run(
        argv,
        cwd=entry.pw_dir,
        env=learner_env(entry, env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        umask=0o077,
        **drop,
    )


def private_dirs_on_the_way(paths: list[Path]) -> list[Path]:
    """Folders that other users cannot pass through on the way to *paths* (e.g. a 0700 /root)."""
    blocked: list[Path] = []
    for path in paths:
        for folder in [*reversed(Path(path).parents), Path(path)]:
            try:
                mode = folder.stat().st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH and folder not in blocked:
                blocked.append(folder)
    return blocked


def lesson_paths() -> list[Path]:
    """What a learner's server must reach: the lesson's python (and the interpreter behind it), the code."""
    import helpers

    python = lesson_bin() / "python"
    return [python.parent, python.resolve().parent, Path(helpers.__file__).resolve().parents[1]]
