#!/usr/bin/env bash
# Create .venv with Python >= 3.10 and install the pinned dependencies and the helpers package.
# Installs with uv (pinned in requirements.lock; about a minute on a fresh machine), or with pip when uv cannot be
# installed. Each step prints a line with the seconds since the start; the total goes to .venv/.setup-seconds
# (make test and make bench print it).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

say() { printf '[%3d s] %s\n' "$((SECONDS - start))" "$*"; }

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
  say "Creating .venv with $py ($("$py" -c 'import platform; print(platform.python_version())'))"
  # Without pip: seeding pip takes half a minute here; uv installs it later (contributors' `pip install`).
  if ! "$py" -m venv --without-pip .venv 2>"$venv_log"; then
    rm -rf .venv
    tail -5 "$venv_log" >&2
    echo "Could not create a virtual environment with $py." >&2
    echo "On Debian/Ubuntu install the venv module: sudo apt-get install python3-venv, then run make again." >&2
    exit 1
  fi
fi

# pip's output goes to a log; it is shown only when a step fails.
log=.venv/install.log
: >"$log"
failed() {
  grep -v "^WARNING: Location 'file:" "$log" | tail -30 >&2
  echo "Installing failed (full log: $log). Check the network, then run make again." >&2
  exit 1
}
pip_step() { .venv/bin/python -m pip "$@" >>"$log" 2>&1 || failed; }
have_pip() { .venv/bin/python -m pip --version >/dev/null 2>&1 || .venv/bin/python -m ensurepip >>"$log" 2>&1; }

# uv: its own progress bars on a terminal; in a log (CI, make's output piped) its summary lines only.
uv_step() {
  if [ -t 2 ]; then
    if ! "$uv" pip "$@" --python .venv/bin/python; then
      echo "Installing failed (uv's message above). Check the network, then run make again." >&2
      exit 1
    fi
  else
    local step_log=.venv/uv-step.log
    "$uv" pip "$@" --python .venv/bin/python >"$step_log" 2>&1 || { cat "$step_log" >>"$log"; failed; }
    cat "$step_log" >>"$log"
    grep -E '^(Resolved|Prepared|Installed|Uninstalled|Audited) ' "$step_log" | sed 's/^/        uv: /' || true
    rm -f "$step_log"
  fi
}

# uv's version is pinned in requirements.lock like everything else. One already on PATH at that version is
# used as it is; otherwise pip puts it into .venv (the host's pip when it can, as .venv starts without pip).
uv_pin=$(sed -n 's/^uv==\([^ ;]*\).*/\1/p' requirements.lock | head -n 1)
uv=.venv/bin/uv
uv_is_pinned() { [ -x "$1" ] && [ "$("$1" --version 2>/dev/null | cut -d' ' -f2)" = "$uv_pin" ]; }
have_uv() {
  [ -n "$uv_pin" ] || return 1
  uv_is_pinned "$uv" && return 0
  if command -v uv >/dev/null 2>&1 && uv_is_pinned "$(command -v uv)"; then uv=$(command -v uv); return 0; fi
  say "Installing the installer, uv $uv_pin, with pip ..."
  local host
  host=$(find_python) || host=""
  if .venv/bin/python -m pip --version >/dev/null 2>&1; then
    .venv/bin/python -m pip install "uv==$uv_pin" >>"$log" 2>&1
  elif [ -n "$host" ] && "$host" -m pip --python .venv/bin/python install "uv==$uv_pin" >>"$log" 2>&1; then
    return 0
  else
    have_pip && .venv/bin/python -m pip install "uv==$uv_pin" >>"$log" 2>&1
  fi
}

if have_uv; then
  # One command: the helpers package (pip install -e .) builds while the pinned wheels download. Its own
  # requirements (pyproject.toml) are ranges that the lock's exact pins satisfy, so the lock decides every version.
  say "Installing the pinned dependencies (requirements.lock) and the helpers package with uv ..."
  # --compile-bytecode: pip compiles on install, uv does not; without it every kernel would compile pandas, boto3
  # and botocore from source again (and cannot cache the result where PYTHONDONTWRITEBYTECODE=1 is set).
  uv_step install --compile-bytecode -r requirements.lock -e .
  if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
    say "Adding pip to .venv (for contributors' pip install) ..."
    uv_step install pip
  fi
else
  say "uv is not available here: installing with pip instead (a few minutes; progress: $log) ..."
  have_pip || failed
  pip_step install --upgrade pip
  say "Installing the pinned dependencies (requirements.lock) with pip ..."
  pip_step install -r requirements.lock
  say "Installing the helpers package (pip install -e .) ..."
  pip_step install --no-deps -e .
fi
touch .venv/.installed
echo "$((SECONDS - start))" >.venv/.setup-seconds
say "Ready: .venv ($(.venv/bin/python -c 'import platform; print(platform.python_version())'))"
