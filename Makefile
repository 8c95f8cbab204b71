# The product's front door: `make app` serves the planner, `make test` runs the whole suite.
# Both create .venv when it is missing and install the project into it (uv inside the venv: ~10 s cold).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8866
STAMP := $(VENV)/.installed

.PHONY: app test lint bench clean setup dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# JupyterLab for editing the notebooks (kept out of the app's environment otherwise).
dev: $(STAMP)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'

app: $(STAMP)
	PORT=$(PORT) $(BIN)/planner app

test: $(STAMP)
	$(BIN)/ruff check planner tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check planner tests
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py
	$(BIN)/python benchmarks/bench_app.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache test-output
