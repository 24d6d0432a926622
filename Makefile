# Two commands for a new user: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test demo lint bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found; set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)             ## start the daemon on the packaged defaults (SQLite, stdout alerts)
	$(BIN)/rashomon run

test: $(STAMP)            ## lint, type check, check the allowed imports, then the whole test suite
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2

demo: $(STAMP)            ## the whole pipeline offline against the bundled sample site
	$(BIN)/rashomon demo

bench: $(STAMP)           ## speed and memory figures (not part of the test suite)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) var .pytest_cache
