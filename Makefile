# Two commands need nothing set up beforehand (Python >= 3.11 and make):
#   make lab    create .venv if needed, install, start JupyterLab on the notebooks
#   make test   create .venv if needed, install, lint, run the unit tests and execute every notebook
# The edit-run loop for one notebook:
#   make nb NB=01   execute notebooks/01_*.ipynb with its checks and print its run time

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= logical
NB     ?= 01

# Settings every notebook kernel started by the tests inherits: one torch thread per kernel (the
# kernels run side by side), warnings from deprecated APIs become errors, no stray Jupyter notices.
TEST_ENV := NB_THREADS=1 NB_STRICT_WARNINGS=1 JUPYTER_PLATFORM_DIRS=1 PYDEVD_DISABLE_FILE_VALIDATION=1
NBVAL    := --nbval-lax --nbval-current-env --nbval-cell-timeout=300
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help install lab test unit nb lint bench test-e2e clean

help:
	@sed -n '1,6p' Makefile | sed 's/^# \{0,1\}//'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python >= 3.11 is needed; run: make PYTHON=/path/to/python3.11 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Installs only when requirements.txt or pyproject.toml changed since the last install.
$(STAMP): requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements.txt
	@touch $@

install: $(STAMP)

lab: install
	JUPYTER_PLATFORM_DIRS=1 $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 \
	  --ServerApp.root_dir=notebooks $(ROOT_FLAG)

lint: install
	$(BIN)/ruff check .

# Unit tests and notebooks in one run: xdist spreads them over the cores, --dist loadscope keeps
# each notebook on one kernel, and conftest.py prints a table of the notebooks' run times.
test: install lint
	$(TEST_ENV) $(BIN)/python -m pytest -n $(JOBS) --dist loadscope tests notebooks $(NBVAL)

unit: install
	$(BIN)/python -m pytest tests

nb: install
	$(TEST_ENV) $(BIN)/python -m pytest notebooks/$(NB)_*.ipynb $(NBVAL)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build

# Browser tests: JupyterLab in headless Chromium (Debian's /usr/bin/chromium; .ci/run installs it).
# Not part of `make test`, which stays browser-free on a student's laptop.
E2E_STAMP := $(VENV)/.installed-e2e
$(E2E_STAMP): requirements-e2e.txt $(STAMP)
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements-e2e.txt
	@touch $@

test-e2e: install $(E2E_STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest e2e -v -p no:cacheprovider

# The performance figures: slider latency, notebook run times, in-browser slider round trips.
# Writes build/bench.md and the README's performance section.
bench: install $(E2E_STAMP)
	NB_THREADS=1 JUPYTER_PLATFORM_DIRS=1 $(BIN)/python tools/bench.py
