# Two commands matter: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= demo
WS     ?= pemilih-data
SCALE  ?= 1.0

.PHONY: run test venv sysdeps lint test-sqlite test-postgres bench clean

HOST   ?= 127.0.0.1
PORT   ?= 8000

# The demo regency through the whole cycle, then the web application on it (Ctrl+C stops it).
run: $(STAMP)
	$(BIN)/pemilih demo --out $(OUT) --workspace $(WS) --scale $(SCALE)
	$(BIN)/pemilih serve --workspace $(WS) --host $(HOST) --port $(PORT) --akun-demo

test: $(STAMP) sysdeps
	$(MAKE) lint
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

# The style (ruff) and the layers (import-linter, contracts in pyproject.toml): a broken rule fails `make test`.
lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/lint-imports

# Two test processes (pytest-xdist): the machines have two cores.
test-sqlite: $(STAMP)
	$(BIN)/pytest -q -n 2

# The store tests again, against a throwaway PostgreSQL server started by tests/conftest.py.
test-postgres: $(STAMP)
	PEMILIH_TEST_DB=postgres $(BIN)/pytest -q -n 2 -m postgres

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,spark]'
	$(BIN)/python -m compileall -q src  # as pip does for what it installs: an editable install does not
	touch $(STAMP)

# System packages the tests use; installed through apt-get when run as root and missing.
sysdeps:
	@bash scripts/sysdeps.sh

# Benchmarks (not tests): figures in README.md.
bench: $(STAMP) sysdeps
	$(BIN)/python bench/run_foundation.py
	$(BIN)/python bench/run_verify.py
	$(BIN)/python bench/ncvr_eval.py
	$(BIN)/python bench/run_febrl.py
	$(BIN)/python bench/run_cycle.py
	$(BIN)/python bench/run_tps.py
	$(BIN)/python bench/run_pdf.py

clean:
	rm -rf $(VENV) build *.egg-info
