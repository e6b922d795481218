# Face Value: build the book and run its tests.
#   make book        build the student/reader edition into _build/html
#   make instructor  build the instructor edition (solutions shown) into _build/instructor/_build/html
#   make test        run every test (unit tests, the -W book build, browser tests)
#   make check       the quick checks while you work: ruff, the unit tests (on both cores) and the
#                    JavaScript tests (under 2 min)
#   make lab         open JupyterLab on the chapters
#   make test-student install the student route (requirements-student.txt, no make/npm/Node) in fresh
#                    venvs on every Python 3.11-3.13 found (PATH or pyenv) and run an exercise notebook
#   make exercises   generate the student notebooks and autograders into exercises/dist
#   make release     from a clean tree: both editions and the exercise bundles into
#                    dist/face-value-VERSION-DATE/ with its .zip and .tar.gz (about 40 min here)
#   make bench       run the benchmark scripts (not tests; they print timings)
# Each target first creates or updates the environment from the pinned files.

SHELL := /bin/bash
# The book is built and locked on Python 3.11 (requirements.lock); 3.12 and 3.13 also work
# (students use requirements-student.txt on any of the three, see the README).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# The Olivetti faces: use the shared offline cache when it sits beside the repo,
# otherwise scikit-learn's own default (it downloads the 1.4 MB file once).
ifneq ($(wildcard ../shared/scikit_learn_data/olivetti_py3.pkz),)
export SCIKIT_LEARN_DATA ?= $(abspath ../shared/scikit_learn_data)
endif
export PYDEVD_DISABLE_FILE_VALIDATION := 1

JB := $(BIN)/jupyter-book build . --builder html -W --keep-going

.PHONY: book instructor exercises test check test-student chromium lab bench setup clean lock

setup: $(VENV)/.installed _vendor/.installed

$(VENV)/.installed: requirements.lock pyproject.toml jupyter-config/face-value.json
	@command -v $(PYTHON) >/dev/null && $(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' || { \
	  echo "Python 3.11, 3.12 or 3.13 is required ($(PYTHON) is missing or another version); set PYTHON=/path/to/python3.1x."; \
	  echo "The book's lock is made on 3.11; students without make can follow the README's 'For students' section."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (Face Value)" >/dev/null
	@# JupyterLab saves widget state with the notebook (an editable install skips data-files).
	install -D -m 644 jupyter-config/face-value.json $(VENV)/share/jupyter/lab/settings/overrides.d/face-value.json
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

_vendor/.installed: node_modules/.installed scripts/vendor_assets.py $(VENV)/.installed
	$(BIN)/python scripts/vendor_assets.py
	touch $@

book: setup
	$(BIN)/python scripts/cache_guard.py
	$(BIN)/python scripts/execute_parallel.py .
	$(JB)
	@echo "Student/reader edition: _build/html/index.html"

instructor: setup
	$(BIN)/python scripts/edition_config.py _build/_config_instructor.yml
	$(BIN)/python scripts/cache_guard.py
	$(BIN)/python scripts/execute_parallel.py . --config _build/_config_instructor.yml --path-output _build/instructor
	$(JB) --config _build/_config_instructor.yml --path-output _build/instructor
	@echo "Instructor edition: _build/instructor/_build/html/index.html"

# Browser tests need Debian's Chromium; install it if it is missing (as root).
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Chromium first: sudo apt-get install chromium"; exit 1; fi; }

test: setup chromium
	$(BIN)/python -m pytest

check: setup
	$(BIN)/ruff check facelab scripts tests _ext
	$(BIN)/python -m pytest -q -n 2 -m "not book and not browser and not exercises and not slow"
	node --test tests/js/

# Not part of `make test`: it installs from the package registry (about 1-2 min per Python
# with a warm pip cache) and needs no .venv. Extra options: make test-student SMOKE_ARGS="--keep"
test-student:
	python3 scripts/student_smoke.py $(SMOKE_ARGS)

exercises: setup
	$(BIN)/python scripts/exercises.py build -j 2
	@echo "Student notebooks and autograders: exercises/dist/"

# scripts/release.py refuses a dirty tree, then runs `make book`, `make instructor` and
# `make exercises` itself and packages what they built (see its docstring).
.PHONY: release
release: setup
	$(BIN)/python scripts/release.py $(RELEASE_ARGS)

lab: setup
	$(BIN)/jupyter lab chapters/

bench: setup
	$(BIN)/python scripts/bench_search.py
	$(BIN)/python scripts/bench_synth.py

lock:
	rm -rf /tmp/fv-lock && $(PYTHON) -m venv /tmp/fv-lock
	/tmp/fv-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Exact versions of every Python package the book installs (Python 3.11)."; \
	  echo "# Generated by \`make lock\` from requirements.in; do not edit by hand."; \
	  /tmp/fv-lock/bin/pip freeze; } > requirements.lock

clean:
	rm -rf _build _vendor
