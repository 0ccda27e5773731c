# The README's commands. `make` alone lists the targets.
# Servers come from scripts/infra.sh (Debian, as root); set
# TAIZHANG_EXTERNAL_SERVERS=1 to use your own and override the URLs below.
# Everything runs in a virtual environment of the project's own (.venv), installed from the lock
# (requirements/*.txt), never in the system's Python: Debian's refuses pip installs (PEP 668).

# The interpreter the virtual environment is made from (3.11, 3.12 or 3.13).
PYTHON_BASE ?= python3
VENV ?= .venv
PYTHON := $(VENV)/bin/python
PYTEST_ARGS ?=
RUFF := $(PYTHON) -m ruff
MYPY := $(PYTHON) -m mypy
# The `taizhang` console script, without relying on the venv's bin/ being on PATH.
TAIZHANG := $(PYTHON) -m eventlog.cli
# `make run DEMO=0`: start empty, without the demo institution (then `taizhang admin create`).
DEMO ?= 1
# `make lock` keeps the pins that still satisfy pyproject.toml; LOCK_UPGRADE=--upgrade takes the
# newest of everything.
LOCK_UPGRADE ?=
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command 'make lock' --quiet $(LOCK_UPGRADE)

# Tests and benchmarks use taizhang_test, so a demo running on `taizhang` is untouched.
TEST_DATABASE_URL ?= postgresql://taizhang:taizhang@127.0.0.1:5432/taizhang_test
TEST_ADMIN_DATABASE_URL ?= postgresql://taizhang_admin:taizhang_admin@127.0.0.1:5432/taizhang_test
# ... and a RabbitMQ vhost of their own: durable queues outlive a session, and a test's events
# must not reach the running system (or the other way round).
TEST_AMQP_URI ?= amqp://guest:guest@127.0.0.1:5672/taizhang_test
TEST_ENV = TAIZHANG_DATABASE_URL=$(TEST_DATABASE_URL) TAIZHANG_ADMIN_DATABASE_URL=$(TEST_ADMIN_DATABASE_URL) TAIZHANG_AMQP_URI=$(TEST_AMQP_URI)

# Stamps live in the virtual environment: a new one installs everything again.
STAMPS := $(VENV)/.stamps

.DEFAULT_GOAL := help
.PHONY: help deps lock infra migrate test unit reliability run grow stop bench lint format events

help: ## list the targets
	@echo 'usage: make TARGET [PYTHON_BASE=python3.12] [PYTEST_ARGS=...]'
	@awk 'BEGIN { FS = ":.*## " } /^[a-z]+:.*## / { printf "  %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

deps: $(STAMPS)/deps ## make .venv and install the lock into it (again when the lock changes)

$(PYTHON):
	bash scripts/venv.sh $(PYTHON_BASE) $(VENV)

# The lock is installed whole (hash-checked), then the project itself without resolving anything:
# what passed with these pins is what a fresh install gets.
$(STAMPS)/deps: requirements/dev.txt pyproject.toml | $(PYTHON)
	@mkdir -p $(@D)
	$(PYTHON) -m pip install -q --require-hashes -r requirements/dev.txt
	$(PYTHON) -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@

lock: $(STAMPS)/deps ## compile the lock (requirements/dev.txt, run.txt) from pyproject.toml
	$(UV_COMPILE) --extra test --extra bench --extra lock -o requirements/dev.txt
	$(UV_COMPILE) -c requirements/dev.txt -o requirements/run.txt

infra: ## install, configure and start RabbitMQ and PostgreSQL locally (idempotent)
	bash scripts/infra.sh up

migrate: deps infra ## create the event-log schema (as taizhang_admin)
	$(TAIZHANG) migrate

test: deps lint infra ## lint, then every test against the real servers (database taizhang_test)
	bash scripts/infra.sh tools
	$(TEST_ENV) $(PYTHON) -m pytest $(PYTEST_ARGS)

unit: deps ## the tests that need no servers
	$(PYTHON) -m pytest -m "not servers" $(PYTEST_ARGS)

# `make test` runs tests/reliability short; this runs it long (more kills, more commands, longer
# outages), on servers of its own where it restarts one (tests/reliability/servers.py).
reliability: deps lint infra ## the fault tests (kill -9, broker and database restarts), long
	$(TEST_ENV) TAIZHANG_RELIABILITY=long $(PYTHON) -m pytest tests/reliability $(PYTEST_ARGS)

run: deps infra migrate ## start the services with demo data (DEMO=0: empty) and print the URL
	PYTHON=$(PYTHON) TAIZHANG_DEMO=$(DEMO) bash scripts/run.sh

# The demo at the benchmark's size: copies of one branch of 40 members and a year (~10,000
# events each) until the institution has GROW_BRANCHES, then the ledger's read model rebuilt.
GROW_BRANCHES ?= 100
grow: deps infra migrate ## grow the demo that make run loaded to 100 branches × 40 members
	$(PYTHON) -m services.ledger.demo_scale --branches $(GROW_BRANCHES)

stop: ## stop the services, then the servers
	-PYTHON=$(PYTHON) bash scripts/run.sh stop
	bash scripts/infra.sh down

bench: deps infra ## benchmarks (database taizhang_test)
	$(TEST_ENV) $(PYTHON) -m bench

lint: deps ## ruff and mypy, changing nothing
	$(RUFF) check . && $(RUFF) format --check . && $(MYPY) eventlog

events: deps ## write docs/events.md, the catalogue of events, from the code
	$(PYTHON) -m services.catalogue

format: deps ## reformat and apply ruff's safe fixes
	$(RUFF) format . && $(RUFF) check --fix .
