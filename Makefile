# Press Desk. Two commands: `make run` (serve on SQLite with demo data) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1

.PHONY: run test lint format check-migrations messages bench bench-watch soak clean help constraints

help:
	@echo "make run    - set up .venv, migrate the SQLite database under var/, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - set up .venv with test tools and run lint and the whole test suite"
	@echo "make lint   - ruff (lint and format check) and mypy"
	@echo "make messages - extract translatable text and update the vi/en catalogs"
	@echo "make bench  - 10,000 statements, wrk on loopback: one worker directly, then nginx (deploy/nginx) in front of two"
	@echo "make bench-watch - the feed watcher: 200 sources x 50 items on loopback, under 30 s (SQLite, and PostgreSQL if up)"
	@echo "make soak   - demo data, one worker, 60 s of mixed wrk traffic (public, sign-in, drafts, questions) at 64 connections"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when pyproject.toml or constraints.txt changes; the stamp files record what was
# installed. constraints.txt pins every package to the version the suite passed with.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(VENV)/.installed $@

# After changing the dependencies in pyproject.toml: resolve again and pin what was installed.
constraints: | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade -e '.[dev]'
	{ sed -n '1,2p' constraints.txt; $(BIN)/pip freeze --exclude-editable | grep -v '^pressdesk'; } > constraints.new
	mv constraints.new constraints.txt
	touch $(VENV)/.installed $(VENV)/.installed-dev

# Links in pages and e-mails point where `make run` serves, unless PUBLIC_BASE_URL says otherwise.
run: export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
# The footer's official identity, demo values (a placeholder phone and an example.gov.vn address).
run: export SITE_AGENCY ?= Văn phòng Ủy ban nhân dân tỉnh Quảng Ninh
run: export SITE_AGENCY_EN ?= Office of the Quang Ninh Provincial People's Committee
run: export SITE_ADDRESS ?= Trụ sở Liên cơ quan số 3, tỉnh Quảng Ninh (địa chỉ mẫu)
run: export SITE_PHONE ?= 0203 000 0000
run: export SITE_EMAIL ?= vanphong@example.gov.vn
run: export SITE_RESPONSIBLE ?= Chánh Văn phòng UBND tỉnh (dữ liệu mẫu)
run: $(VENV)/.installed
	$(BIN)/pressdesk migrate
	$(BIN)/pressdesk seed-demo
	@echo
	@echo "Press Desk is starting on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(BIN)/uvicorn --factory app.main:create_app --host $(HOST) --port $(PORT) --workers $(WORKERS) --proxy-headers

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(VENV)/.installed-dev lint
	$(BIN)/pytest $(PYTEST_ARGS)

messages: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k Msg -k gettext:2 --no-location --sort-output --omit-header -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete --width 100

bench: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || { echo "make bench needs wrk (Debian: apt-get install wrk)"; exit 1; }
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "make bench needs nginx (Debian: apt-get install nginx-light)"; exit 1; }
	$(BIN)/python -m tests.bench.run

bench-watch: $(VENV)/.installed-dev
	$(BIN)/python -m tests.bench.watch

soak: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || { echo "make soak needs wrk (Debian: apt-get install wrk)"; exit 1; }
	$(BIN)/python -m tests.bench.soak

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
