# Two commands need nothing set up beforehand (Python >= 3.11 and make):
#   make lab    create .venv if needed, install, start JupyterLab on the notebooks
#   make test   create .venv if needed, install, lint, run the unit tests and execute every notebook
# The edit-run loop for one notebook:
#   make nb NB=01   execute notebooks/01_*.ipynb with its checks and print its run time
# For lecturers:
#   make book       the series as a static website in build/book/html (notebooks executed once, cached)
#   make release    student versions without worked solutions in build/release/student
#   make hub-test   a class of simulated students on a real JupyterHub on 127.0.0.1 (see deploy/)

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

.PHONY: help install lab test unit nb lint bench test-e2e test-book book release clean hub-test

help:
	@sed -n '1,10p' Makefile | sed 's/^# \{0,1\}//'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python >= 3.11 is needed; run: make PYTHON=/path/to/python3.11 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Installs only when requirements.txt or pyproject.toml changed since the last install. JupyterLab's
# settings overrides (no news pop-up, start the notebook's kernel without asking) go with the
# environment, so a first lecture opens clean.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
$(STAMP): requirements.txt pyproject.toml jupyter/overrides.json | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements.txt
	mkdir -p $(LAB_SETTINGS) && cp jupyter/overrides.json $(LAB_SETTINGS)/overrides.json
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

# The rendered book: Sphinx with MyST-NB (requirements-book.txt) and MathJax from the npm registry,
# served from the site itself. Installing needs the registries; building needs no network.
BOOK_STAMP := $(VENV)/.installed-book
MATHJAX_VERSION := 3.2.2
$(BOOK_STAMP): requirements-book.txt $(STAMP)
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements-book.txt
	npm install --prefix $(VENV)/npm --no-save --no-audit --no-fund --loglevel=error mathjax@$(MATHJAX_VERSION)
	@touch $@

book: install $(BOOK_STAMP)
	NB_THREADS=1 $(BIN)/python tools/book.py

release: install
	$(BIN)/python tools/release.py

# The book built from a fresh clone with the network cut off, then read in headless Chromium; and
# the student release executed (one file per worker: the book builds while the releases run).
test-book: install $(E2E_STAMP) $(BOOK_STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest e2e/test_book.py e2e/test_release.py -v -p no:cacheprovider \
	  -n 2 --dist loadfile

# Browser tests: JupyterLab in headless Chromium (Debian's /usr/bin/chromium; .ci/run installs it).
# Not part of `make test`, which stays browser-free on a student's laptop.
E2E_STAMP := $(VENV)/.installed-e2e
$(E2E_STAMP): requirements-e2e.txt $(STAMP)
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements-e2e.txt
	@touch $@

test-e2e: install $(E2E_STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest e2e -v -p no:cacheprovider \
	  --ignore=e2e/test_book.py --ignore=e2e/test_release.py --ignore=e2e/test_hub.py

# The performance figures: slider latency, notebook run times, in-browser slider round trips.
# Writes build/bench.md and the README's performance section.
bench: install $(E2E_STAMP)
	NB_THREADS=1 JUPYTER_PLATFORM_DIRS=1 $(BIN)/python tools/bench.py

# A class on JupyterHub: a real hub on 127.0.0.1 (requirements-hub.txt, and configurable-http-proxy
# from the npm registry), dummy authenticator, one local process per student; the students log in,
# pull the series with nbgitpuller from a clone of this repository and run notebook 01 at once through
# the hub's proxy; one notebook is opened through the hub in Chromium (e2e/test_hub.py).
HUB_STAMP := $(VENV)/.installed-hub
CHP_VERSION := 5.3.0
$(HUB_STAMP): requirements-hub.txt $(STAMP)
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements-hub.txt
	npm install --prefix $(VENV)/npm-hub --no-save --no-audit --no-fund --loglevel=error \
	  configurable-http-proxy@$(CHP_VERSION)
	@touch $@

hub-test: install $(E2E_STAMP) $(HUB_STAMP)
	$(TEST_ENV) CHP=$(abspath $(VENV))/npm-hub/node_modules/.bin/configurable-http-proxy \
	  $(BIN)/python -m pytest e2e/test_hub.py -v -s -p no:cacheprovider
