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

# Debian's chromium, and a Chinese font for its screenshots, for the report's browser test
# (tests/test_report_browser.py), installed where missing. apt-get needs root, as on CI; where
# it fails the test is skipped, except under CI=true, where it fails.
CHROMIUM ?= /usr/bin/chromium

.PHONY: setup run test lint docs bench soak clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip uv
	$(BIN)/uv pip install --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

run: setup
	$(BIN)/zhibiao run

test: setup $(CHROMIUM)
	$(BIN)/python -m pytest -q

$(CHROMIUM):
	DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei \
	|| echo "chromium not installed: the report's browser test will be skipped"

lint: setup
	$(BIN)/ruff check zhibiao tests bench tools
	$(BIN)/ruff format --check zhibiao tests bench tools

# The generated parts of the docs, written again: the analyst guide's printed outputs (from
# the synthetic sample of tools/sample.py) and the column tables of the data dictionary.
docs: setup
	$(BIN)/python -m tools.guide --write
	$(BIN)/python -m zhibiao.warehouse.dictionary --write

bench: setup
	$(BIN)/python bench/run.py

soak: setup
	ZHIBIAO_SOAK=1 $(BIN)/python -m pytest -q -s tests/reliability/test_soak.py

clean:
	rm -rf $(VENV) .prefect data/warehouse.duckdb data/snapshots
