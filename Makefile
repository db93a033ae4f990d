# The two commands: `make run` (the service, foreground) and `make test` (lint, types, tests).
# Everything installs itself into .venv on first use.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run up down test lint typecheck pytest seed check schema tools wrk chromium web bench bench-smoke bench-load bench-api bench-analytics clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP) web
	$(PY) -m stack run

up: $(STAMP) web
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

tools: wrk chromium web $(PEER_STAMP)

wrk:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; \
	  else echo "wrk is needed for the benchmark and its test: apt-get install wrk (or brew install wrk)"; exit 1; fi; }

# The browser tests (tests/browser) drive the distribution's chromium through playwright; nothing
# downloads a browser at test time.
chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; \
	  else echo "chromium is needed for the browser tests: apt-get install chromium"; exit 1; fi; }

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

# The browser pages (GraphiQL at /graphql, the explorer at /explore): npm packages built by Vite
# into web/dist; rebuilt only when a source or the lockfile changed (the stamp web/dist/.built).
WEB := web
WEB_MODULES := $(WEB)/node_modules/.package-lock.json
WEB_STAMP := $(WEB)/dist/.built
WEB_SOURCES := $(WEB)/package.json $(WEB)/vite.config.ts $(WEB)/tsconfig.json $(wildcard $(WEB)/*.html $(WEB)/.prettier*) \
	$(shell find $(WEB)/src -type f 2>/dev/null)

web: $(WEB_STAMP)

$(WEB_MODULES): $(WEB)/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20+ and npm are needed to build the browser pages (web/)"; exit 1; }
	npm ci --prefix $(WEB) --no-audit --no-fund --loglevel=error

$(WEB_STAMP): $(WEB_MODULES) $(WEB_SOURCES)
	npm run --prefix $(WEB) --silent check
	npm run --prefix $(WEB) --silent build -- --logLevel warn
	@touch $(WEB_STAMP)
