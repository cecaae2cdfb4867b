# One entry point for dev tasks. Everything installs itself into .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean venv chromium

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)  ## build the demo town into ./demo.db, show its status, serve it on http://127.0.0.1:8080/desk
	rm -f demo.db demo.db-wal demo.db-shm demo.web.db
	$(BIN)/frontaid --db demo.db demo

# The browser tests drive Debian's chromium (never a downloaded one); the PDF tests read pages with
# poppler (pdftoppm, pdftotext); weasyprint embeds DejaVu for Ukrainian. CI runs this as root.
# The PostgreSQL store tests start their own throwaway cluster with Debian's server binaries.
SYSTEM_PACKAGES := chromium poppler-utils fonts-dejavu-core postgresql
chromium:
	test -x /usr/bin/chromium -a -x /usr/bin/pdftoppm -a -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
	  -a -x /usr/lib/postgresql/15/bin/initdb || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(SYSTEM_PACKAGES))

test: $(STAMP) chromium  ## run every test (installs Debian's chromium for the browser tests if missing)
	$(BIN)/python -m pytest -n 2 tests

lint: $(STAMP)  ## ruff, mypy --strict on every package, and the flow's import contracts (pyproject.toml)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)  ## print the benchmark tables (set HOUSEHOLDS=100000 for the issue's figures)
	$(BIN)/python bench/foundation.py --households $(or $(HOUSEHOLDS),20000)
	$(BIN)/python bench/sync.py
	$(BIN)/python bench/web.py --households $(or $(HOUSEHOLDS),20000)
	$(BIN)/python bench/match.py
	$(BIN)/python bench/match.py --febrl
	$(BIN)/python bench/protect.py --households $(or $(HOUSEHOLDS),20000)

clean:
	rm -rf $(VENV) demo.db* .pytest_cache .mypy_cache .ruff_cache .hypothesis
