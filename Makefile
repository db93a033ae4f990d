# The two commands: `make run` (the service, foreground) and `make test` (lint, types, tests).
# Everything installs itself into .venv on first use.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run up down test lint typecheck pytest seed check schema bench-load bench-api bench-analytics clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m stack run

up: $(STAMP)
	$(PY) -m stack up

down: $(STAMP)
	$(PY) -m stack down

seed: $(STAMP)
	$(PY) -m seed

check: $(STAMP)
	$(PY) -m seed check

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy .

pytest: $(STAMP)
	$(PY) -m pytest

test: lint typecheck pytest

bench-load: $(STAMP)
	$(PY) bench/load_rate.py

bench-api: $(STAMP)
	$(PY) bench/api_latency.py

bench-analytics: $(STAMP)
	$(PY) bench/analytics.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

schema: $(STAMP)
	$(PY) -m service.api.export
