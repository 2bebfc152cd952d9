# Pipeline: `make run` serves the product, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench bench-quick screenshots clean

install: $(STAMP)

# Re-installs only when pyproject.toml changes; `make install` is a no-op otherwise.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $(STAMP)

# The product alone (no test or bench extras), for `make run`.
$(RUN_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo $(SEED_ARGS)
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# In parallel (pytest-xdist, a worker per core, each with its own test database);
# `--dist loadgroup` keeps each xdist_group on one worker. PYTEST_ARGS="-n 0": one process.
PYTEST_ARGS ?= -n auto --dist loadgroup

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff, then the import contract of docs/architecture.md (pyproject.toml, [tool.importlinter])
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-quick: install
	$(BIN)/python -m bench --quick $(BENCH_ARGS)

screenshots: install
	$(BIN)/python -m pytest tests/browser -k screenshot

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
