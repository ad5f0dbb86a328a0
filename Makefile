# The two commands of the README's Quick start are `make lab` and `make test`.
# Everything else here is for contributors. Each target sets up .venv by itself first.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Notebooks run in file-name order, each in a fresh kernel; a hung cell fails after 120 s.
PYTEST_ARGS ?= tests notebooks --nbval-lax --nbval-cell-timeout=120

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
	@bash scripts/ensure-browser.sh
	@bash scripts/ensure-axe.sh
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

# Re-pin: edit requirements.in, then `make lock` (needs uv in the venv: pip install uv).
lock: $(STAMP)
	$(VENV)/bin/uv pip compile --universal --python-version 3.10 --no-header requirements.in -o requirements.lock
