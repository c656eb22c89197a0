# Newsroom: the two everyday commands are `make run` and `make test`.
VENV    := .venv
PYTHON  := $(VENV)/bin/python
MANAGE  := DEBUG=1 $(PYTHON) manage.py
STAMP   := $(VENV)/.installed-stamp
HOST    ?= 127.0.0.1:8000
# Two workers by default: the suite spends its time in page renders and image work.
PYTEST_ARGS ?= -n auto

.DEFAULT_GOAL := help
.PHONY: help run test lint format migrate demo messages clean

help:  ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@python=$$(bin/find-python) && echo "Using $$python" && "$$python" -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	@touch $@

run: $(STAMP) migrate demo  ## set up, migrate, load demo content, serve http://$(HOST)
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
	$(MANAGE) makemessages --locale ru --locale en --ignore '.venv/*' --ignore 'var/*'
	$(MANAGE) compilemessages --ignore '.venv/*'

clean:  ## remove the virtualenv and local data (var/)
	rm -rf $(VENV) var
