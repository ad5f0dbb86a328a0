#!/usr/bin/env bash
# Create .venv with Python >= 3.10 and install the pinned dependencies and the helpers package.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3.10 python3 python; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ]; then
  if ! py=$(find_python); then
    echo "This walkthrough needs Python 3.10 or newer, and none was found." >&2
    echo "Install it (Debian/Ubuntu: sudo apt-get install python3 python3-venv; macOS: brew install python;" >&2
    echo "Windows: https://www.python.org/downloads/), or name one with: make lab PYTHON=/path/to/python3" >&2
    exit 1
  fi
  # The error log goes to a private temp file (mktemp: unpredictable name, 0600), removed on exit.
  venv_log=$(mktemp "${TMPDIR:-/tmp}/aml-venv-error.XXXXXXXX")
  trap 'rm -f "$venv_log"' EXIT
  echo "Creating .venv with $py ($("$py" -c 'import platform; print(platform.python_version())'))"
  if ! "$py" -m venv .venv 2>"$venv_log"; then
    rm -rf .venv
    tail -5 "$venv_log" >&2
    echo "Could not create a virtual environment with $py." >&2
    echo "On Debian/Ubuntu install the venv module: sudo apt-get install python3-venv, then run make again." >&2
    exit 1
  fi
fi

# pip's output goes to a log; it is shown only when a step fails.
log=.venv/install.log
pip_step() {
  if ! .venv/bin/python -m pip "$@" >>"$log" 2>&1; then
    grep -v "^WARNING: Location 'file:" "$log" | tail -30 >&2
    echo "Installing failed (full log: $log). Check the network, then run make again." >&2
    exit 1
  fi
}
: >"$log"
echo "Installing the pinned dependencies (requirements.lock) into .venv ..."
pip_step install --upgrade pip
pip_step install -r requirements.lock
pip_step install --no-deps -e .
touch .venv/.installed
echo "Ready: .venv ($(.venv/bin/python -c 'import platform; print(platform.python_version())'))"
