"""JupyterHub on one machine for a room of learners: each learner's server gets its own state folder.

Every learner's single-user server runs with its own ``HOME`` and ``AML_WALKTHROUGH_HOME``, so the
practice account it starts on demand (the first notebook cell that needs it starts it) is that
learner's alone: its own process, port, users and keys. Nothing is shared but the code. When a
learner's server stops, their practice account is stopped too.

Run it (from the repository, with its .venv active):  ``jupyterhub -f deploy/jupyterhub/jupyterhub_config.py``
Settings come from environment variables (defaults in brackets); see README.md next to this file:

  AML_HUB_MODE       workshop | system  [workshop]
                     workshop: learners are not Unix users; they sign in with any name and the room's
                     shared password; their servers run as the hub's Unix user, each in its own folder.
                     system: learners are Unix users of this machine (PAM), each server runs as them.
  AML_HUB_PASSWORD   the room's shared password (workshop mode; at least 8 characters)  [required there]
  AML_HUB_ADMINS     comma-separated admin (instructor) names  [none]
  AML_HUB_BIND_URL   where the hub listens  [http://0.0.0.0:8000]
  AML_HUB_DATA       the hub's database, cookie secret and (workshop mode) learners' folders  [./hub-data]
  AML_HUB_PROXY      the configurable-http-proxy command  [configurable-http-proxy on PATH]
"""

# ruff: noqa: F821 - ``c`` and ``load_subconfig`` are provided by JupyterHub when it loads this file

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("AML_HUB_DATA") or Path.cwd() / "hub-data").resolve()
MODE = os.environ.get("AML_HUB_MODE", "workshop")
DATA.mkdir(parents=True, exist_ok=True, mode=0o700)

c.JupyterHub.bind_url = os.environ.get("AML_HUB_BIND_URL", "http://0.0.0.0:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = f"sqlite:///{DATA / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(DATA / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(DATA / "jupyterhub.pid")
if os.environ.get("AML_HUB_PROXY"):
    c.ConfigurableHTTPProxy.command = [os.environ["AML_HUB_PROXY"]]
c.ConfigurableHTTPProxy.pid_file = str(DATA / "jupyterhub-proxy.pid")

admins = {name.strip() for name in os.environ.get("AML_HUB_ADMINS", "").split(",") if name.strip()}
c.Authenticator.admin_users = admins

if MODE == "workshop":
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = os.environ.get("AML_HUB_PASSWORD", "")
    c.Authenticator.allow_all = True
    # Names become folder names: keep them plain.
    c.Authenticator.username_pattern = r"^[a-z0-9][a-z0-9_-]{0,31}$"
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(DATA / "learners" / "{username}")
elif MODE == "system":
    c.JupyterHub.authenticator_class = "pam"
    c.Authenticator.allow_all = True
    c.JupyterHub.spawner_class = "localprocess"
else:
    raise SystemExit(f"AML_HUB_MODE must be 'workshop' or 'system', not {MODE!r}.")

# The same Python as the hub: the lesson's helpers are installed in it (make lab's .venv).
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.default_url = "/lab/tree/notebooks/00-start-here.ipynb"
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60


def learner_home(spawner) -> Path:
    """The learner's home: their Unix home (system mode) or their folder under AML_HUB_DATA (workshop)."""
    if MODE == "workshop":
        return Path(spawner.home_dir)
    import pwd

    return Path(pwd.getpwnam(spawner.user.name).pw_dir)


def state_folder(spawner) -> str:
    """AML_WALKTHROUGH_HOME for this learner: one state folder, so one practice account, each."""
    return str(learner_home(spawner) / ".aml-walkthrough")


c.Spawner.environment = {
    "AML_WALKTHROUGH_HOME": state_folder,
    # A learner's kernel never inherits the hub's AWS settings; their own ~/.aws is theirs.
    "AWS_EC2_METADATA_DISABLED": "true",
}


def copy_notebooks(spawner) -> None:
    """Give each learner their own copy of the notebooks (their edits and outputs stay theirs)."""
    home = learner_home(spawner)
    target = home / "notebooks"
    if MODE == "workshop":
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not target.exists():
        shutil.copytree(REPO / "notebooks", target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        if MODE == "system":
            # The hub runs as root here: hand the copy to the learner.
            import pwd

            entry = pwd.getpwnam(spawner.user.name)
            for path in [target, *target.rglob("*")]:
                os.chown(path, entry.pw_uid, entry.pw_gid)


def stop_practice_account(spawner) -> None:
    """A stopped server's practice account stops too (it runs detached, so it would otherwise linger)."""
    folder = state_folder(spawner)
    if not (Path(folder) / "sandbox" / "server.json").exists():
        return  # never started (and creating its folder here, as the hub's user, would be wrong)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AML_WALKTHROUGH_HOME"] = folder
    env["PYTHONPATH"] = str(REPO)
    try:
        subprocess.run(
            [sys.executable, "-m", "helpers.sandbox", "stop"], env=env, timeout=30, capture_output=True, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        spawner.log.warning("Could not stop %s's practice account: %s", spawner.user.name, exc)


c.Spawner.pre_spawn_hook = copy_notebooks
c.Spawner.post_stop_hook = stop_practice_account

# Servers left idle are a learner who went home: JupyterHub's idle culler (pip install
# jupyterhub-idle-culler) stops them after an hour, and with them their practice accounts.
if shutil.which("cull_idle_servers") or shutil.which("jupyterhub-idle-culler"):
    c.JupyterHub.services = [
        {"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"]}
    ]
    c.JupyterHub.load_roles = [
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    ]
