# Two commands do all set-up on a fresh machine: `make run` and `make test` (see README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: help venv data run test lint format bench bench-ui report clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

venv: $(BIN)/.installed ## create .venv and install the pinned requirements

data: venv ## compile data/raw into data/processed
	$(BIN)/python -m etl

run: data ## set up, compile the shipped data and start the dashboard on http://localhost:$(PORT)
	$(BIN)/python -m streamlit run dashboard.py --server.port $(PORT) --browser.gatherUsageStats false

lint: venv ## ruff lint + format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv ## apply ruff formatting
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: data lint ## set up, then the whole suite (lint, format check, pytest incl. browser tests)
	$(BIN)/python -m pytest

bench: venv ## benchmark (not part of the test suite): make bench ROWS=1000000
	$(BIN)/python -m bench --rows $${ROWS:-1000000}

bench-ui: data ## browser benchmark vs a hello-world app (not in the tests): make bench-ui [ROWS=100000] [REPEAT=5]
	$(BIN)/python -m bench ui $${ROWS:+--rows $$ROWS} --repeat $${REPEAT:-5}

report: data ## offline report + slide deck for the default period into out/
	$(BIN)/python -m report --lang $${LANG_CODE:-en} --out out

clean: ## remove the venv and compiled data
	rm -rf $(VENV) data/processed data/.processed-builds
