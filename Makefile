# Two commands do all set-up on a fresh machine: `make run` and `make test` (see README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: help venv dev data run check test test-shared lint format bench bench-ui report clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

$(BIN)/.installed-bench: $(BIN)/.installed-dev bench/requirements.txt
	$(BIN)/pip install --quiet -r bench/requirements.txt
	touch $@

venv: $(BIN)/.installed ## create .venv and install what the dashboard needs (requirements.txt)

dev: $(BIN)/.installed-dev ## venv + the test and dev tools (requirements-dev.txt)

data: venv ## compile data/raw into data/processed
	$(BIN)/python -m etl

run: data ## set up, compile the shipped data and start the dashboard (with the monitors' "Check a file" page)
	PFD_MONITOR=1 $(BIN)/python -m webapp run dashboard.py --server.port $(PORT) --browser.gatherUsageStats false

lint: dev ## ruff lint + format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: dev ## apply ruff formatting
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: dev lint ## the edit loop (< 2 min): lint + the fast tests (no browser, no ../shared, nothing slow)
	$(BIN)/python -m pytest -q -m "not browser and not shared and not slow"

test: dev data lint ## set up, then the whole suite (lint, format check, pytest incl. browser tests)
	$(BIN)/python -m pytest

test-shared: dev data ## only the tests that read ../shared (dataset audit, importers on the real files)
	$(BIN)/python -m pytest -m shared

bench: $(BIN)/.installed-bench ## benchmark (not part of the test suite): make bench ROWS=1000000
	$(BIN)/python -m bench --rows $${ROWS:-1000000}

bench-ui: dev data ## browser benchmark vs a hello-world app (not in the tests): make bench-ui [ROWS=100000] [REPEAT=5]
	$(BIN)/python -m bench ui $${ROWS:+--rows $$ROWS} --repeat $${REPEAT:-5}

report: data ## offline report + slide deck for the default period into out/
	$(BIN)/python -m report --lang $${LANG_CODE:-en} --out out

clean: ## remove the venv and compiled data
	rm -rf $(VENV) data/processed data/.processed-builds
