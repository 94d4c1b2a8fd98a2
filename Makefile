# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3.12
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Bytecode: where the environment sets PYTHONDONTWRITEBYTECODE (as this machine does), every
# Python process compiles each module it imports again, 2-3 s for every `manage.py`, gunicorn or
# Locust process the tests start (backup and restore, check --deploy, the two app servers...).
# Compiled modules are kept under var/pycache instead (outside the sources; var/ is ignored by
# git), for the next process and the next run. Measured on tests/ops, tests/test_settings.py
# and the import command's test: 58.8 s -> 43.7 s.
export PYTHONDONTWRITEBYTECODE :=
export PYTHONPYCACHEPREFIX ?= $(CURDIR)/var/pycache

.PHONY: run test test-sqlite test-postgres system-packages lint messages bench loadtest faulttest setup clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r pyproject.toml --extra dev
	touch $(STAMP)

setup: $(STAMP)

# One command: the background worker (report rendering, django-tasks-db; `run_worker` is
# db_worker with a heartbeat, workers/heartbeat.py) starts with the server and stops with it.
# It does not reload on code changes: restart `make run` after editing a task.
# `migrate` also creates the database cache's table.
run: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py run_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

# SQLite always; PostgreSQL too when DATABASE_URL names it. pytest-xdist spreads the tests over
# one worker per core (each with its own test database, seeded once); `make test XDIST=` runs
# them in one process. pytest-django runs the transactional tests (browser journeys, which empty
# the database) after the others on each worker, and xdist's default scheduling keeps that order;
# tests are handed out one at a time (--maxschedchunk=1) and the slowest modules start first
# (tests/conftest.py), so that neither worker is left alone with a long tail.
XDIST ?= -n auto --maxschedchunk=1
# The SQLite pass's clock (tests/conftest.py): empty for the real date, or a day YYYY-MM-DD.
TEST_TODAY ?=
test: $(STAMP) system-packages
	$(MAKE) --no-print-directory test-sqlite
	@case "$$DATABASE_URL" in \
	  postgres*) $(MAKE) --no-print-directory test-postgres ;; \
	  *) echo "DATABASE_URL does not name PostgreSQL: the PostgreSQL run is not part of this make test." ;; \
	esac

test-sqlite: $(STAMP)
	@echo "== tests on SQLite$(if $(TEST_TODAY), with the clock at $(TEST_TODAY)) =="
	env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true NTM_TEST_TODAY=$(TEST_TODAY) \
	  $(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

test-postgres: $(STAMP)
	@echo "== tests on PostgreSQL ($$DATABASE_URL) =="
	env -u NTM_TEST_TODAY DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# Chromium, poppler-utils, gettext...: installed where this user may (.ci/system-packages),
# otherwise the one command that would install them, before any test runs.
system-packages:
	@.ci/system-packages

# lint-imports checks the apps' layers (pyproject.toml [tool.importlinter]): no import between
# apps makes a cycle.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check_translations
	$(VENV)/bin/lint-imports --no-cache

# English interface: extract the gettext strings into locale/en/LC_MESSAGES/django.po, then
# compile django.mo (both committed), with the options of ops/translations.py (MAKEMESSAGES).
# Needs GNU gettext (msgfmt, xgettext); translate any new msgid in the .po and run this again.
# `make lint` checks that nothing is left untranslated and that the .po holds exactly the
# strings of the code.
messages: $(STAMP)
	$(PY) manage.py check_translations --update

bench: $(STAMP)
	$(PY) manage.py run_bench

# Load and fault tests: Locust (ops/locustfile.py) drives 50 users against two gunicorn
# instances (2 workers each, on two free ports) sharing the local PostgreSQL; demo data,
# loopback only. Locust's log and HTML report land in var/loadtest/.
LOAD_DB ?= ntm_load
LOAD_URL ?= postgres://postgres@127.0.0.1:5432/$(LOAD_DB)

load-db:
	psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$(LOAD_DB)'" | grep -q 1 \
	  || createdb -h 127.0.0.1 -U postgres $(LOAD_DB)

loadtest: $(STAMP) load-db
	DATABASE_URL=$(LOAD_URL) $(PY) manage.py loadtest

faulttest: $(STAMP) load-db
	DATABASE_URL=$(LOAD_URL) $(PY) manage.py loadtest --restart-db-at 20

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
