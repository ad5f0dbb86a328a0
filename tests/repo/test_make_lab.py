"""`make lab`'s bad input: a busy port, a second `make lab`, no Python 3.10 (one sentence each, no traceback)."""

import importlib.util
import json
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def lab(isolated_home):
    spec = importlib.util.spec_from_file_location("lab_script", ROOT / "scripts" / "lab.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_busy_port_is_replaced_and_named(lab, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        chosen = lab.pick_port(port)
    assert chosen != port
    assert capsys.readouterr().out == f"Port {port} is busy; JupyterLab will use port {chosen} instead.\n"


def test_a_second_make_lab_says_where_the_running_one_is(lab, capsys, monkeypatch):
    url = "http://127.0.0.1:8888/lab/tree/notebooks/00-start-here.ipynb?token=x"
    lab.lab_file().write_text(json.dumps({"pid": os.getpid(), "url": url, "port": 8888}))
    monkeypatch.setattr(lab, "start_practice_account", lambda: pytest.fail("must not start a second one"))
    assert lab.lab() == 0
    out = capsys.readouterr().out
    assert f"JupyterLab is already running: {url} (pid {os.getpid()})." in out
    assert "make stop" in out


def test_a_stale_lab_file_is_forgotten(lab):
    dead = subprocess.Popen(["true"])
    dead.wait()
    lab.lab_file().write_text(json.dumps({"pid": dead.pid, "url": "u", "port": 1}))
    assert lab.running_lab() is None
    assert not lab.lab_file().exists()


def test_no_python_310_says_what_to_install(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "bootstrap.sh", tmp_path / "scripts")
    fake = tmp_path / "bin"
    fake.mkdir()
    for name in ("python3.13", "python3.12", "python3.11", "python3.10", "python3", "python"):
        (fake / name).write_text("#!/bin/sh\nexit 1\n")  # an old Python: fails the version check
        (fake / name).chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(["bash", "scripts/bootstrap.sh"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert "needs Python 3.10 or newer, and none was found" in done.stderr
    assert "apt-get install python3 python3-venv" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / ".venv").exists()


def test_jupyterlab_gets_the_lessons_environment(lab, monkeypatch):
    """Terminals and kernels inherit it: .venv/bin first, the terminal config and the news pop-up off."""
    from helpers.lab_env import JUPYTER_CONFIG, lesson_bin

    env = lab.lesson_env({"PATH": f"/usr/bin:/bin:{lesson_bin()}", "PYTHONHOME": "/elsewhere"})
    first, *rest = env["PATH"].split(os.pathsep)
    assert first == str(lesson_bin()) and str(lesson_bin()) not in rest
    assert "PYTHONHOME" not in env
    assert env["AML_WALKTHROUGH_HOME"] == str(lab.state_dir())
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0] == str(JUPYTER_CONFIG)
    news = json.loads((JUPYTER_CONFIG / "labconfig" / "default_setting_overrides.json").read_text())
    assert news["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_a_terminal_shell_puts_the_lessons_bin_first_after_a_profile_resets_path(tmp_path):
    """The shell JupyterLab's terminals start (scripts/jupyter-config) survives a ~/.bashrc that resets PATH."""
    from helpers.lab_env import JUPYTER_CONFIG, lesson_bin, lesson_env

    bash = shutil.which("bash")
    if not bash:
        pytest.skip("no bash on this machine: terminals use the default shell")
    from traitlets.config.loader import PyFileConfigLoader

    loaded = PyFileConfigLoader("jupyter_server_config.py", path=str(JUPYTER_CONFIG)).load_config()
    shell = loaded.ServerApp.terminado_settings["shell_command"]
    (tmp_path / ".bashrc").write_text("PATH=/usr/bin:/bin\n")
    env = lesson_env({"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, pin_state=False)
    done = subprocess.run(shell, input="command -v python aws\nexit\n", env=env, capture_output=True, text=True)
    assert done.stdout.split() == [f"{lesson_bin()}/python", f"{lesson_bin()}/aws"]
