"""JupyterHub on one machine for a room of learners: one Unix user per learner, each with their own practice account.

Start it with ``make hub`` (scripts/hub.py checks what it needs first), as root. The first time a
learner signs in with the room's password, the hub creates the system user ``jupyter-<name>`` with a
private home (0700), as The Littlest JupyterHub does, and runs their Jupyter server as that user.
Their state folder (``~/.aml-walkthrough``: practice account, its credentials files), ``~/.aws`` and
notebook copy live in that home. Everything the hub does in a learner's home (copy the notebooks,
stop the practice account) runs as that learner (helpers.room.learners.run_as), never as root.

Settings come from environment variables (defaults in brackets); see README.md next to this file:

  AML_HUB_MODE            workshop | system  [workshop]
                          workshop: learners sign in with any name and the room's password; the hub
                          creates a Unix user jupyter-<name> for each.
                          system: learners are Unix users of this machine already (PAM sign-in).
  AML_HUB_PASSWORD        the room's shared password (workshop mode; at least 8 characters)  [required there]
  AML_HUB_ADMINS          comma-separated admin (instructor) names  [none]
  AML_HUB_ADMIN_PASSWORD  the admins' password (workshop mode; at least 32 characters)  [required with admins]
  AML_HUB_BIND_URL        where the hub listens  [http://127.0.0.1:8000; http://0.0.0.0:8000 opens it to the network]
  AML_HUB_DATA            the hub's database and cookie secret (made root-only, 0700)  [./hub-data]
  AML_HUB_PROXY           the configurable-http-proxy command  [configurable-http-proxy on PATH]
  AML_HUB_ROOM_URL        where the room board's service listens (behind the hub)  [http://127.0.0.1:8002]
"""

# ruff: noqa: F821 - ``c`` and ``load_subconfig`` are provided by JupyterHub when it loads this file

import asyncio
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # helpers, also when the editable install is missing

from helpers.room import learners  # noqa: E402

DATA = Path(os.environ.get("AML_HUB_DATA") or Path.cwd() / "hub-data").resolve()
MODE = os.environ.get("AML_HUB_MODE", "workshop")

if MODE not in ("workshop", "system"):
    raise SystemExit(f"AML_HUB_MODE must be 'workshop' or 'system', not {MODE!r}.")
if os.geteuid() != 0:
    raise SystemExit(
        "The workshop hub runs as root: it creates a Unix user per learner and runs each learner's server as them. "
        "Start it with `sudo make hub`."
    )
DATA.mkdir(parents=True, exist_ok=True, mode=0o700)
os.chmod(DATA, 0o700)  # the database and cookie secret are the hub's alone

c.JupyterHub.bind_url = os.environ.get("AML_HUB_BIND_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = f"sqlite:///{DATA / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(DATA / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(DATA / "jupyterhub.pid")
if os.environ.get("AML_HUB_PROXY"):
    c.ConfigurableHTTPProxy.command = [os.environ["AML_HUB_PROXY"]]
c.ConfigurableHTTPProxy.pid_file = str(DATA / "jupyterhub-proxy.pid")

admins = {name.strip() for name in os.environ.get("AML_HUB_ADMINS", "").split(",") if name.strip()}
c.Authenticator.admin_users = admins
c.Authenticator.allow_all = True

if MODE == "workshop":
    # Taken out of the environment: the proxy and services the hub starts do not inherit them.
    password = os.environ.pop("AML_HUB_PASSWORD", "")
    admin_password = os.environ.pop("AML_HUB_ADMIN_PASSWORD", "")
    if len(password) < 8:
        raise SystemExit("Set AML_HUB_PASSWORD to the room's password, at least 8 characters.")
    if admins and len(admin_password) < 32:
        raise SystemExit(
            "Set AML_HUB_ADMIN_PASSWORD (at least 32 characters; e.g. `openssl rand -hex 16`): "
            f"the instructor{'s' if len(admins) > 1 else ''} {', '.join(sorted(admins))} sign in with it."
        )
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = password
    if admins:
        c.SharedPasswordAuthenticator.admin_password = admin_password
    # Names become Unix user names (jupyter-<name>, at most 32 characters): keep them plain.
    c.Authenticator.username_pattern = r"^[a-z][a-z0-9_-]{0,23}$"
else:
    c.JupyterHub.authenticator_class = "pam"


class LearnerSpawner(LocalProcessSpawner):
    """A local process as the learner's Unix user; in workshop mode that user is created on first sign-in."""

    def system_name(self) -> str:
        return learners.system_name(self.user.name) if MODE == "workshop" else self.user.name

    def make_preexec_fn(self, name):
        return super().make_preexec_fn(self.system_name())

    def user_env(self, env):
        import pwd

        entry = pwd.getpwnam(self.system_name())
        env.update({"USER": entry.pw_name, "HOME": entry.pw_dir, "SHELL": entry.pw_shell or "/bin/bash"})
        return env


c.JupyterHub.spawner_class = LearnerSpawner
# The lesson's Python (the hub's .venv): learners run its jupyterhub-singleuser, python and aws.
c.Spawner.cmd = [str(learners.lesson_bin() / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab/tree/notebooks/00-start-here.ipynb"
c.Spawner.start_timeout = 120  # 8 simultaneous sign-ins took about 30 s on 2 cores
c.Spawner.http_timeout = 120
# From the hub's own environment a learner keeps only locale and proxy settings (never a password).
c.Spawner.env_keep = ["JUPYTERHUB_SINGLEUSER_APP", *learners.KEEP]


def lesson_variables() -> dict:
    """PATH with the lesson's .venv/bin first, and the lesson's Jupyter settings (terminal, no news pop-up)."""
    try:
        from helpers.lab_env import lesson_env
    except ImportError:
        return {"PATH": f"{learners.lesson_bin()}:{learners.SYSTEM_PATH}"}
    return lesson_env({"PATH": learners.SYSTEM_PATH}, pin_state=False)


def state_folder(spawner) -> str:
    """AML_WALKTHROUGH_HOME for this learner: one state folder in their home, so one practice account each."""
    import pwd

    return str(Path(pwd.getpwnam(spawner.system_name()).pw_dir) / learners.STATE)


c.Spawner.environment = {
    **lesson_variables(),
    "AML_WALKTHROUGH_HOME": state_folder,
    # A learner's kernel never inherits the hub's AWS settings; their own ~/.aws is theirs.
    "AWS_EC2_METADATA_DISABLED": "true",
}

COPY_NOTEBOOKS = (
    "import shutil, sys, pathlib\n"
    "if not pathlib.Path(sys.argv[2]).exists():\n"
    "    shutil.copytree(sys.argv[1], sys.argv[2], ignore=shutil.ignore_patterns('.ipynb_checkpoints'))\n"
)


def _prepare(spawner) -> None:
    name = spawner.system_name()
    if MODE == "workshop":
        learners.ensure_user(name)
    done = learners.run_as(
        name, [learners.learner_python(), "-c", COPY_NOTEBOOKS, str(REPO / "notebooks"), "notebooks"]
    )
    if done.returncode != 0:
        spawner.log.warning("Could not copy the notebooks for %s: %s", name, done.stderr.strip()[-500:])


def _stop(spawner) -> None:
    name = spawner.system_name()
    try:
        done = learners.run_as(name, [learners.learner_python(), "-m", "helpers.sandbox", "stop"], timeout=30)
    except (KeyError, OSError, subprocess.TimeoutExpired) as exc:
        spawner.log.warning("Could not stop %s's practice account: %s", name, exc)
        return
    said = (done.stdout + done.stderr).strip()[-500:]
    spawner.log.info("Stopping the practice account as %s (exit %s): %s", name, done.returncode, said)


async def prepare_learner(spawner) -> None:
    """Before a server starts: create the learner's Unix user (workshop mode) and, as them, copy the notebooks."""
    await asyncio.to_thread(_prepare, spawner)


async def stop_practice_account(spawner) -> None:
    """A stopped server's practice account stops too (its state stays): run as the learner, never as root."""
    await asyncio.to_thread(_stop, spawner)


c.Spawner.pre_spawn_hook = prepare_learner
c.Spawner.post_stop_hook = stop_practice_account

# The room board (helpers.room): a page for the instructors at /services/room/ (admins alone have access
# to services). It runs as root, like the hub, and reads each learner as that learner.
c.JupyterHub.services = [
    {
        "name": "room",
        "url": os.environ.get("AML_HUB_ROOM_URL", "http://127.0.0.1:8002"),
        "command": [sys.executable, "-m", "helpers.room.service"],
        "oauth_no_confirm": True,
        "environment": {
            "AML_HUB_ADMINS": ",".join(sorted(admins)),
            "PATH": f"{learners.lesson_bin()}:{learners.SYSTEM_PATH}",
            **{key: os.environ[key] for key in learners.KEEP if key in os.environ},
        },
    }
]
c.JupyterHub.load_roles = []

# Servers left idle are a learner who went home: JupyterHub's idle culler (pinned in requirements.lock)
# stops them after an hour, and with them their practice accounts (whose state stays).
if importlib.util.find_spec("jupyterhub_idle_culler"):
    c.JupyterHub.services.append(
        {"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"]}
    )
    c.JupyterHub.load_roles.append(
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    )
