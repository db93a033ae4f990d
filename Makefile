# The two commands: `make run` (the service, foreground) and `make test` (lint, types, tests).
# Everything installs itself into .venv on first use, with the versions constraints.txt pins.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run up down test lint typecheck pytest seed check audit data-audit keys export schema constraints tools wrk chromium icu web \
	bench bench-smoke bench-load bench-api bench-analytics bench-match bench-feed faults clean

$(STAMP): pyproject.toml constraints.txt | icu
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	@echo "[make] installing the project and its tools into $(VENV) (first run: a minute or two)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
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

audit: $(STAMP)
	$(PY) -m seed audit

# API keys without activating the venv: make keys ARGS="create --name news-ingest --role editor"
keys: $(STAMP)
	@$(PY) -m service keys $(ARGS)

# An export of the running graph: make export ARGS="--format gexf --out supplygraph.gexf" (docs/exports.md)
export: $(STAMP)
	@$(PY) -m service export $(ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: $(STAMP)
	$(PY) -m mypy .

pytest: $(STAMP) tools
	$(PY) -m pytest

# The data audit reads the facts files in ../shared; without them only its unit tests run.
data-audit: $(STAMP)
	@if [ -d ../shared/facts ]; then $(PY) -m seed audit; else echo "[make] no ../shared/facts: data audit skipped"; fi

test: lint typecheck data-audit pytest

# The SDL clients read (service/api/schema.graphql) and the Federation subgraph's SDL
# (subgraph.graphql), written from the code; then that subgraph composed alone into a supergraph
# (supergraph.graphql) by @apollo/composition, the npm package of the client tests.
schema: $(STAMP) $(CLIENTS_STAMP)
	$(PY) -m service schema
	node $(CLIENTS)/compose.mjs --out service/api/supergraph.graphql \
	  supplygraph=http://localhost:8000/graphql=service/api/subgraph.graphql > /dev/null
	@echo "wrote service/api/supergraph.graphql"

# Re-pin every dependency to what a fresh install resolves today (review the diff, then commit).
constraints:
	rm -rf .constraints-venv && $(PYTHON) -m venv .constraints-venv
	.constraints-venv/bin/pip install --quiet --upgrade pip
	.constraints-venv/bin/pip install --quiet -e ".[dev]"
	{ echo "# Every dependency at the version the tests passed with; make installs with these (pip -c)."; \
	  echo "# make constraints re-resolves them from the registry: review the diff, run make test, commit."; \
	  .constraints-venv/bin/pip freeze --exclude-editable | grep -v "^-e "; } > constraints.txt
	rm -rf .constraints-venv

# The benchmark's tools: wrk (the load generator, from the distribution's packages) and the npm
# packages of the peer it is compared with (bench/compare/peer, @neo4j/graphql).
PEER := bench/compare/peer
PEER_STAMP := $(PEER)/node_modules/.package-lock.json

# The real clients of tests/clients: Apollo Client, graphql-http's audit and Apollo Federation's
# composition, gateway and subgraph library (npm packages; `make schema` composes with them), and
# ariadne-codegen in a venv of its own, since every release of it requires graphql-core<3.3.
CLIENTS := tests/clients/js
CLIENTS_STAMP := $(CLIENTS)/node_modules/.package-lock.json
CODEGEN := tests/clients/codegen
CODEGEN_VENV := $(VENV)/codegen
CODEGEN_STAMP := $(CODEGEN_VENV)/.installed

tools: wrk chromium web $(PEER_STAMP) $(CLIENTS_STAMP) $(CODEGEN_STAMP)

wrk:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "[make] installing wrk (apt-get)"; \
	    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; \
	  else echo "wrk is needed for the benchmark and its test: apt-get install wrk (or brew install wrk)"; exit 1; fi; }

# PyICU (under normality, which match uses for transliteration, and under followthemoney, which
# reads the FtM export back in tests) has no wheels on PyPI: pip builds it against the
# distribution's ICU.
icu:
	@pkg-config --exists icu-uc 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "[make] installing libicu-dev (apt-get)"; \
	    apt-get install -y -qq libicu-dev pkg-config g++ >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq libicu-dev pkg-config g++ >/dev/null; }; \
	  else echo "libicu-dev, pkg-config and g++ are needed to build PyICU: apt-get install libicu-dev pkg-config g++"; exit 1; fi; }

# The browser tests (tests/browser) drive the distribution's chromium through playwright; nothing
# downloads a browser at test time.
chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "[make] installing chromium (apt-get)"; \
	    apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; \
	  else echo "chromium is needed for the browser tests: apt-get install chromium"; exit 1; fi; }

$(PEER_STAMP): $(PEER)/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20+ and npm are needed for the peer (bench/compare/peer)"; exit 1; }
	@echo "[make] installing the benchmark's peer (npm ci)"
	npm ci --prefix $(PEER) --no-audit --no-fund --loglevel=error

$(CLIENTS_STAMP): $(CLIENTS)/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20+ and npm are needed for the client tests (tests/clients/js)"; exit 1; }
	@echo "[make] installing the client tests' npm packages"
	npm ci --prefix $(CLIENTS) --no-audit --no-fund --loglevel=error

$(CODEGEN_STAMP): $(CODEGEN)/requirements.txt
	@echo "[make] installing ariadne-codegen for the client tests"
	$(PYTHON) -m venv $(CODEGEN_VENV)
	$(CODEGEN_VENV)/bin/python -m pip install --quiet -r $(CODEGEN)/requirements.txt
	@touch $(CODEGEN_STAMP)

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

# match with 100k synthetic companies: p50/p95 per match (docs/match.md).
bench-match: $(STAMP)
	$(PY) bench/match.py

# Subscription delivery latency with 1, 100 and 1,000 SSE subscribers, and the write latency
# they add (docs/changes.md).
bench-feed: $(STAMP)
	$(PY) bench/feed.py

# The long fault runs (make test runs their smoke profile): kill -9 of Neo4j, the API and the
# loader with more writers, cycles and load modes; the hostile-input matrix; then what expensive
# documents cost other callers (bench/stall.py). Figures go to .faults/ and stdout.
faults: $(STAMP)
	FAULTS_FULL=1 $(PY) -m pytest tests/faults -s
	$(PY) bench/stall.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# The browser pages (GraphiQL at /graphql, the explorer at /explore): npm packages built by Vite
# into service/http/dist (package data); rebuilt only when a source or the lockfile changed.
WEB := web
WEB_MODULES := $(WEB)/node_modules/.package-lock.json
WEB_STAMP := service/http/dist/.built
WEB_SOURCES := $(WEB)/package.json $(WEB)/vite.config.ts $(WEB)/tsconfig.json $(wildcard $(WEB)/*.html $(WEB)/.prettier*) \
	$(shell find $(WEB)/src -type f 2>/dev/null)

web: $(WEB_STAMP)

$(WEB_MODULES): $(WEB)/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20+ and npm are needed to build the browser pages (web/)"; exit 1; }
	@echo "[make] installing the browser pages' npm packages"
	npm ci --prefix $(WEB) --no-audit --no-fund --loglevel=error

$(WEB_STAMP): $(WEB_MODULES) $(WEB_SOURCES)
	@echo "[make] building the browser pages (GraphiQL, /explore)"
	npm run --prefix $(WEB) --silent check
	npm run --prefix $(WEB) --silent build -- --logLevel warn
	@touch $(WEB_STAMP)
