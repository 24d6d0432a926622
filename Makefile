# Two commands for a new user: `make run` and `make test`. Both create .venv when it is missing.
# `make run`, `make demo` and `make bench` install what Rashomon needs to run, nothing more;
# `make test` and `make lint` add the test extra (pytest, ruff, mypy, import-linter, playwright,
# aiosmtpd). The benchmarks import only Rashomon and the standard library.
PYTHON  ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
TESTING := $(VENV)/.installed-test

.PHONY: run test demo lint bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found; set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip

$(RUNTIME): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	@touch $(RUNTIME)

$(TESTING): $(RUNTIME) pyproject.toml
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(TESTING)

run: $(RUNTIME)           ## start the daemon on the packaged defaults (SQLite, stdout alerts)
	$(BIN)/rashomon run

lint: $(TESTING)          ## lint, type check, check the allowed imports
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint                ## lint, type check, check the allowed imports, then the whole test suite
	$(BIN)/python -m pytest -n 2

demo: $(RUNTIME)          ## the whole pipeline offline against the bundled sample site
	$(BIN)/rashomon demo

bench: $(RUNTIME)         ## speed and memory figures (not part of the test suite)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) var .pytest_cache
