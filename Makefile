# Newsroom: the two everyday commands are `make run` and `make test`.
VENV    := .venv
PYTHON  := $(VENV)/bin/python
MANAGE  := DEBUG=1 $(PYTHON) manage.py
STAMP   := $(VENV)/.installed-stamp
HOST    ?= 127.0.0.1:8000
# One worker per core: the suite spends its time in page renders and image work.
PYTEST_ARGS ?= -n auto

.DEFAULT_GOAL := help
.PHONY: help run test lint format migrate demo messages clean bench bench-peer soak

help:  ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@python=$$(bin/find-python) && echo "Using $$python" && "$$python" -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	@touch $@

run: $(STAMP) migrate demo  ## set up, migrate, load demo content, serve http://$(HOST)
	@# The background worker (re-scans, renditions, go-live events) beside the server,
	@# in a process group of its own so that Ctrl+C reaches it once, through the trap:
	@# it finishes the task in hand, then stops.
	@set -m; $(MANAGE) work & worker=$$!; set +m; \
		trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
		$(MANAGE) runserver $(HOST)

test: $(STAMP)  ## run the whole test suite (SQLite, or DATABASE_URL if set)
	DEBUG=1 $(PYTHON) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff lint and format check, pending migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

format: $(STAMP)  ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: $(STAMP)  ## apply database migrations
	$(MANAGE) migrate --no-input

demo: $(STAMP) migrate  ## load the demo content (safe to repeat)
	$(MANAGE) load_demo

messages: $(STAMP)  ## refresh and compile the ru/en message catalogues (needs gettext)
	$(MANAGE) makemessages --locale ru --locale en --no-obsolete \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'node_modules/*' --ignore 'tests/*' --ignore 'bench/*'
	$(MANAGE) compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

# Benchmarks run on PostgreSQL databases of their own (never the one you work in).
BENCH_PG           ?= postgres://postgres@127.0.0.1:5432
BENCH_ARTICLES     ?= 1000000
BENCH_IMPORT_LINES ?= 100000
BENCH_DB           := $(BENCH_PG)/newsroom_bench
BENCH_IMPORT_DB    := $(BENCH_PG)/newsroom_bench_import

bench: $(STAMP)  ## archive-scale figures: pages, search, import, req/s (BENCH_ARTICLES)
	@psql "$(BENCH_PG)/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'newsroom_bench'" \
		| grep -q 1 || psql "$(BENCH_PG)/postgres" -qc "CREATE DATABASE newsroom_bench"
	DATABASE_URL=$(BENCH_DB) $(MANAGE) migrate --no-input
	DATABASE_URL=$(BENCH_DB) DEBUG=1 $(PYTHON) bench/generate.py --articles $(BENCH_ARTICLES)
	DATABASE_URL=$(BENCH_DB) $(PYTHON) bench/pages.py
	DATABASE_URL=$(BENCH_DB) $(PYTHON) bench/search_latency.py
	@# The import writes: a scratch database, made afresh each run.
	psql "$(BENCH_PG)/postgres" -qc "DROP DATABASE IF EXISTS newsroom_bench_import WITH (FORCE)" \
		-c "CREATE DATABASE newsroom_bench_import"
	DATABASE_URL=$(BENCH_IMPORT_DB) $(MANAGE) migrate --no-input
	DATABASE_URL=$(BENCH_IMPORT_DB) $(PYTHON) bench/import_throughput.py $(BENCH_IMPORT_LINES)
	DATABASE_URL=$(BENCH_DB) $(PYTHON) bench/throughput.py
	DATABASE_URL=$(BENCH_DB) $(PYTHON) bench/record.py

# The Wagtail peer (../shared/peer/) and Newsroom at the same size, side by side.
BENCH_PEER_ARTICLES ?= 100000
BENCH_PEER_DIR      ?= ../shared/peer
BENCH_PEER_SECONDS  ?= 15

bench-peer: $(STAMP)  ## Newsroom vs the Wagtail peer, req/s side by side (BENCH_PEER_ARTICLES)
	@command -v wrk >/dev/null || { echo "bench-peer: wrk is not installed: apt-get update && apt-get install -y wrk" >&2; exit 1; }
	@test -x "$(BENCH_PEER_DIR)/wagtail/setup.sh" || { echo "bench-peer: the peer is not at $(BENCH_PEER_DIR) (no wagtail/setup.sh): set BENCH_PEER_DIR" >&2; exit 1; }
	BENCH_PG=$(BENCH_PG) $(PYTHON) bench/peer.py --articles $(BENCH_PEER_ARTICLES) \
		--peer $(BENCH_PEER_DIR) --seconds $(BENCH_PEER_SECONDS)

soak: $(STAMP)  ## 60 s of load with one PostgreSQL restart (after make bench; loopback)
	DATABASE_URL=$(BENCH_DB) $(PYTHON) bench/soak.py

clean:  ## remove the virtualenv and local data (var/)
	rm -rf $(VENV) var
