# The two commands: `make run` (the service, foreground) and `make test` (lint, types, tests).
# Everything installs itself into .venv on first use.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run up down test lint typecheck pytest seed check schema tools wrk bench bench-smoke bench-load bench-api bench-analytics clean

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

pytest: $(STAMP) tools
	$(PY) -m pytest

test: lint typecheck pytest

# The benchmark's tools: wrk (the load generator, from the distribution's packages) and the npm
# packages of the peer it is compared with (bench/compare/peer, @neo4j/graphql).
PEER := bench/compare/peer
PEER_STAMP := $(PEER)/node_modules/.package-lock.json

tools: wrk $(PEER_STAMP)

wrk:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; \
	  else echo "wrk is needed for the benchmark and its test: apt-get install wrk (or brew install wrk)"; exit 1; fi; }

$(PEER_STAMP): $(PEER)/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20+ and npm are needed for the peer (bench/compare/peer)"; exit 1; }
	npm ci --prefix $(PEER) --no-audit --no-fund --loglevel=error

bench: $(STAMP) tools
	$(PY) -m bench.compare

bench-smoke: $(STAMP) tools
	$(PY) -m bench.compare --smoke --out .bench/smoke-results

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
