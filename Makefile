# The two commands of the README's Quick start are `make lab` and `make test`.
# Everything else here is for contributors. Each target sets up .venv by itself first.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# WORKERS pytest-xdist processes share the tests, each with its own practice account (conftest.py); the
# notebooks' cells stay together on one worker, in file-name order, each notebook in a fresh kernel; a hung
# cell fails after 120 s. Much of a test's time is spent waiting on kernels and browsers, so more workers
# than cores pays. WORKERS=0 runs everything in one process, as `pytest` does with no -n. The 15 slowest
# tests are listed at the end, to see where the time goes.
WORKERS ?= 4
PYTEST_ARGS ?= tests notebooks --nbval-lax --nbval-cell-timeout=120 -n $(WORKERS) --durations=15

.PHONY: lab test bench stop hub lint format strip lock help

help:
	@echo "make lab    - start the practice account and JupyterLab at notebooks/00-start-here.ipynb"
	@echo "make test   - the whole suite: unit, notebooks (nbval), browser"
	@echo "make bench  - print the benchmark figures"
	@echo "make stop   - stop JupyterLab and the practice account started by make lab"
	@echo "make hub    - (as root) check and start the workshop hub, deploy/jupyterhub/README.md"

$(STAMP): requirements.lock pyproject.toml scripts/bootstrap.sh
	@bash scripts/bootstrap.sh

lab: $(STAMP)
	@$(PY) scripts/lab.py

test: $(STAMP)
	@echo "set-up: $$(cat $(VENV)/.setup-seconds 2>/dev/null || echo '?') s (scripts/bootstrap.sh: .venv and the pinned install)"
	@bash scripts/ensure-browser.sh
	@bash scripts/ensure-axe.sh
	@# Every test kernel imports helpers/: compile it once (where PYTHONDONTWRITEBYTECODE=1 each kernel would again).
	@$(PY) -m compileall -q helpers
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	@bash scripts/ensure-browser.sh
	$(PY) bench/run.py

stop: $(STAMP)
	@$(PY) scripts/lab.py --stop

hub: $(STAMP)
	@$(PY) scripts/hub.py

lint: $(STAMP)
	$(VENV)/bin/ruff check helpers tests bench scripts
	$(VENV)/bin/ruff format --check helpers tests bench scripts

format: $(STAMP)
	$(VENV)/bin/ruff format helpers tests bench scripts

# Remove outputs and widget state from the notebooks before committing them.
strip: $(STAMP)
	$(VENV)/bin/nbstripout notebooks/*.ipynb

# Re-pin: edit requirements.in, then `make lock` (uv is pinned in the lock, so it is in the venv).
lock: $(STAMP)
	$(VENV)/bin/uv pip compile --universal --python-version 3.10 --no-header requirements.in -o requirements.lock
