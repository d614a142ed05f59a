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
# Python caches compiled modules (and pytest its rewritten test modules) even where the environment turns that off:
# without the cache every pytest run compiles some 2,000 modules again, about 5 s of CPU.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help install run serve migrate demo test test-fast test-deep test-sqlite test-postgres lint bench assets messages messages-update system-deps clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/lofin: pyproject.toml uv.lock
	@$(PY) -m uv --version >/dev/null 2>&1 || $(PY) -m pip install -q --disable-pip-version-check uv
	$(UV) sync --frozen --quiet
	@touch $(BIN)/lofin

install: $(BIN)/lofin messages ## install Python dependencies into .venv (leaves .venv/bin/lofin)

# Compiled only when a catalogue changed, so that the passes of `make test`, started side by side, never rewrite a
# catalogue another pass is reading.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard src/lofin/locale/*/LC_MESSAGES/django.po))

messages: $(BIN)/lofin $(CATALOGUES) ## compile the Korean and English message catalogues

%/LC_MESSAGES/django.mo: %/LC_MESSAGES/django.po
	@$(BIN)/pybabel compile -i $< -o $@ 2>&1 | grep -v "^compiling" || true

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

lint: install ## ruff, mypy, import contracts, migrations up to date
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src/lofin
	$(BIN)/lint-imports
	LOFIN_TESTING=1 $(BIN)/lofin makemigrations --check --dry-run
	scripts/check-messages.sh
	$(BIN)/python scripts/rules_table.py --check

messages-update: install ## extract new translatable strings into the ko/en catalogues (then translate ko)
	cd src/lofin && DJANGO_SETTINGS_MODULE=lofin.settings PYTHONPATH=.. ../../$(BIN)/django-admin makemessages \
	  -l ko -l en --no-location --no-obsolete --ignore "tests/*"

test: install system-deps lint ## everything: lint, then the suite on SQLite and its engine tests on a throwaway PostgreSQL, side by side
	@scripts/test.sh

test-fast: install ## the edit-test loop: the suite on SQLite without the browser and the tests marked slow
	$(SQLITE_TEST_ENV) $(BIN)/pytest -q -m "not browser and not slow" $(PYTEST_ARGS)

test-deep: install system-deps lint ## make test with Hypothesis' deep profile: many more examples
	@LOFIN_HYPOTHESIS_PROFILE=deep scripts/test.sh

# SQLITE_DB names the files, so that two SQLite runs can go side by side (scripts/test.sh); PYTEST_SELECT is its -m.
SQLITE_DB ?= test
SQLITE_TEST_ENV = LOFIN_DATABASE_URL=sqlite:///$(LOFIN_VAR_DIR)/$(SQLITE_DB).sqlite3 \
  LOFIN_TEST_SQLITE_NAME=$(LOFIN_VAR_DIR)/$(SQLITE_DB)_db.sqlite3

test-sqlite: install
	$(SQLITE_TEST_ENV) $(BIN)/pytest -q $(PYTEST_SELECT) $(PYTEST_ARGS)

# Only the tests whose outcome depends on the engine (marked `engine`, docs/architecture.md §8.25): the others ran on
# SQLite. The test cluster is thrown away after the run, so it does not wait for the disk: on machines whose fsync is
# throttled (see docs/benchmarks.md) that wait, not the tests, decided how long the pass took. Benchmarks keep fsync on.
test-postgres: install
	@set -e; url=$$(LOFIN_PG_FSYNC=off LOFIN_PG_SYNC_COMMIT=off scripts/pg.sh start); trap 'scripts/pg.sh stop' EXIT; \
	  LOFIN_DATABASE_URL=$$url $(BIN)/pytest -q -m engine $(PYTEST_ARGS)

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
