# One task runner for people, CI and the README.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_LOGGING_LEVEL ?= WARNING
export DO_NOT_TRACK ?= 1

.PHONY: setup run test lint bench soak clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip uv
	$(BIN)/uv pip install --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

run: setup
	$(BIN)/zhibiao run

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check zhibiao tests bench
	$(BIN)/ruff format --check zhibiao tests bench

bench: setup
	$(BIN)/python bench/run.py

soak: setup
	ZHIBIAO_SOAK=1 $(BIN)/python -m pytest -q -s tests/reliability/test_soak.py

clean:
	rm -rf $(VENV) .prefect data/warehouse.duckdb data/snapshots
