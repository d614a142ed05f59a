# Lofin — everything a fresh machine needs is done by `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(PY) -m uv
PORT ?= 8000
SIZE ?= small
export LOFIN_VAR_DIR ?= $(CURDIR)/var

.PHONY: help install run serve migrate demo test test-sqlite test-postgres lint bench assets messages messages-update system-deps clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/lofin: pyproject.toml uv.lock
	@$(PY) -m uv --version >/dev/null 2>&1 || $(PY) -m pip install -q --disable-pip-version-check uv
	$(UV) sync --frozen --quiet
	@touch $(BIN)/lofin

install: $(BIN)/lofin messages ## install Python dependencies into .venv (leaves .venv/bin/lofin)

messages: $(BIN)/lofin ## compile the Korean and English message catalogues
	@$(BIN)/pybabel compile -d src/lofin/locale -D django 2>&1 | grep -v "^compiling" || true

migrate: install ## create or update the database
	$(BIN)/lofin migrate --no-input

demo: migrate ## load demo data (SIZE=tiny|small|large; default small)
	$(BIN)/lofin demo load --size $(SIZE)

run: demo ## install, migrate, load demo data and serve all six services on http://127.0.0.1:$(PORT)
	$(BIN)/lofin serve --port $(PORT)

serve: ## serve without reloading demo data
	$(BIN)/lofin serve --port $(PORT)

system-deps: ## install what the tests drive: Debian chromium, a Korean font, node packages (axe-core)
	@scripts/system-deps.sh

lint: install ## ruff, mypy (core), import contracts, migrations up to date
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src/lofin/core
	$(BIN)/lint-imports
	LOFIN_TESTING=1 $(BIN)/lofin makemigrations --check --dry-run
	scripts/check-messages.sh

messages-update: install ## extract new translatable strings into the ko/en catalogues (then translate ko)
	cd src/lofin && DJANGO_SETTINGS_MODULE=lofin.settings PYTHONPATH=.. ../../$(BIN)/django-admin makemessages \
	  -l ko -l en --no-location --no-obsolete --ignore "tests/*"

test: install system-deps lint ## everything: lint, the suite on SQLite, then on a throwaway PostgreSQL
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: install
	LOFIN_DATABASE_URL=sqlite:///$(LOFIN_VAR_DIR)/test.sqlite3 LOFIN_TEST_SQLITE_NAME=$(LOFIN_VAR_DIR)/test_db.sqlite3 \
	  $(BIN)/pytest -q $(PYTEST_ARGS)

# The test cluster is thrown away after the run, so it does not wait for the disk: on machines whose fsync is
# throttled (see docs/benchmarks.md) that wait, not the tests, decided how long the pass took. Benchmarks keep fsync on.
test-postgres: install
	@set -e; url=$$(LOFIN_PG_FSYNC=off LOFIN_PG_SYNC_COMMIT=off scripts/pg.sh start); trap 'scripts/pg.sh stop' EXIT; \
	  LOFIN_DATABASE_URL=$$url LOFIN_DB_TESTS_ONLY=1 $(BIN)/pytest -q $(PYTEST_ARGS)

bench: install ## benchmarks (results go to docs/benchmarks.md by hand, with the command)
	@set -e; url=$$(scripts/pg.sh start); trap 'scripts/pg.sh stop' EXIT; \
	  LOFIN_BENCH_PG_URL=$$url $(BIN)/python -m bench.run; \
	  $(BIN)/python -m bench.execution_commit --pg $$url; \
	  $(BIN)/python -m bench.pb_rules

assets: ## refresh vendored front-end files from npm (htmx) — they are committed
	npm ci --no-audit --no-fund --silent
	cp node_modules/htmx.org/dist/htmx.min.js src/lofin/static/vendor/htmx.min.js

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) var node_modules
