# Loaded by every JupyterLab started with helpers.lab_env.lesson_env() (JUPYTER_CONFIG_PATH points here).
# ruff: noqa: F821 - ``c`` is provided by traitlets when it loads this file
#
# A terminal's shell: an interactive bash that reads the learner's ~/.bashrc and then terminal.rc, which
# puts the lesson's bin first on PATH again. (Without a shell_command, jupyter_server_terminals starts a
# *login* shell whenever the server has no tty, and Debian's /etc/profile then resets PATH.)
import shutil
from pathlib import Path

_rc = Path(__file__).with_name("terminal.rc")
_bash = shutil.which("bash")
if _bash:
    c.ServerApp.terminado_settings = {"shell_command": [_bash, "--rcfile", str(_rc), "-i"]}
