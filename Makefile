# Outreach: `make run` serves the demo on SQLite, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Pango for WeasyPrint's PDFs, fonts with Cyrillic and symbols (Symbola: emoji in names), gettext.
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core fonts-symbola fontconfig gettext
# Chromium for the browser tests, poppler-utils (pdftotext, pdffonts) to check PDFs.
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test chaos api-coverage property test-browser lint security fmt bench bench-load mutation messages sysdeps sysdeps-test venv clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV) || { $(MAKE) -s _debs DEBS=python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	@touch $@

venv: $(VENV)/.installed

# Install the Debian packages that are missing (nothing when all are there).
_debs:
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

sysdeps:
	@$(MAKE) -s _debs DEBS="$(RUN_DEBS)"

sysdeps-test:
	@$(MAKE) -s _debs DEBS="$(TEST_DEBS)"

run: sysdeps venv
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist; each worker has its own test database and Redis
# database, tests/pytest_env.py). PYTEST_WORKERS=0 runs it in one process. The fault tests
# (`-m chaos`, below) follow in one process of their own: the full suite is both.
PYTEST_WORKERS ?= auto
test: sysdeps-test venv
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist load -m "not chaos" $(PYTEST_ARGS)
	$(PY) -m pytest -m chaos -p no:randomly -q $(PYTEST_ARGS)

# The fault tests: a Redis stopped under the app; PostgreSQL restarted, a gunicorn worker and
# Celery workers SIGKILLed under load (a PostgreSQL cluster made with initdb, a redis-server,
# gunicorn and workers of their own, on free ports; the shared servers are never touched). In
# one process, after the rest of the suite (`make test` runs both): they time restarts and
# would slow each other.
chaos: venv
	$(PY) -m pytest -m chaos -p no:randomly -q $(PYTEST_ARGS)

# The indicator property tests (engine and import against the reference) at Hypothesis's
# default of 100 examples; the suite runs fewer. CI runs this after the suite.
property: venv
	PROPERTY_EXAMPLES=100 $(PY) -m pytest -p no:randomly -q \
	  tests/indicators/test_property.py tests/indicators/test_property_import.py

# Schemathesis's coverage phase (boundary and negative values of every parameter of every
# operation, some 6 000 requests, about six minutes) as the worker; CI runs it after the suite.
api-coverage: venv
	SCHEMATHESIS_PHASES=examples,coverage,fuzzing $(PY) -m pytest -p no:randomly -q \
	  "tests/api/test_schemathesis.py::test_schemathesis_finds_nothing_as_any_role[worker]"

test-browser: sysdeps-test venv
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -p no:randomly tests/test_architecture.py
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

# Known vulnerabilities in the installed packages, and Django's deployment checks with the
# production settings (DEBUG off, a real-length secret, HTTPS cookies and HSTS).
security: venv
	$(PY) .ci/audit-deps
	env -u DATABASE_URL DEBUG=false ALLOWED_HOSTS=outreach.example.org \
	  SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	  $(PY) manage.py check --deploy --fail-level WARNING

fmt: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Mutation testing of the access modules with their rule tests (not in CI; bench/MUTATION.md).
mutation: venv
	rm -rf mutants
	env -u DATABASE_URL -u CELERY_BROKER_URL $(VENV)/bin/mutmut run --max-children 2
	$(VENV)/bin/mutmut results

messages: venv
	DEBUG=true $(PY) manage.py makemessages -l bg --ignore=.venv --ignore=var
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv

bench: venv
	$(PY) bench/run.py $(if $(SCALE),--scale $(SCALE),)

bench-load: venv
	$(PY) -m pip install -q -e ".[dev,bench]"
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) var *.egg-info
