# One entry point for dev tasks. Everything installs itself into .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)  ## build the demo town into ./demo.db and show its status
	rm -f demo.db demo.db-wal demo.db-shm
	$(BIN)/frontaid --db demo.db demo
	$(BIN)/frontaid --db demo.db status

test: $(STAMP)  ## run every test
	$(BIN)/python -m pytest -n 2 tests

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/foundation.py

clean:
	rm -rf $(VENV) demo.db* .pytest_cache .mypy_cache .ruff_cache .hypothesis
