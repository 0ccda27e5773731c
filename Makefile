# The README's commands. `make` alone lists the targets.
# Servers come from scripts/infra.sh (Debian, as root); set
# TAIZHANG_EXTERNAL_SERVERS=1 to use your own and override the URLs below.

PYTHON ?= python3
PYTEST_ARGS ?=
RUFF ?= $(PYTHON) -m ruff
MYPY ?= $(PYTHON) -m mypy
# The `taizhang` console script, without relying on pip's script directory
# being on PATH (with pyenv, `python -m pip` creates no shim).
TAIZHANG ?= $(PYTHON) -m eventlog.cli

# Tests and benchmarks use taizhang_test, so a demo running on `taizhang` is untouched.
TEST_DATABASE_URL ?= postgresql://taizhang:taizhang@127.0.0.1:5432/taizhang_test
TEST_ADMIN_DATABASE_URL ?= postgresql://taizhang_admin:taizhang_admin@127.0.0.1:5432/taizhang_test
# ... and a RabbitMQ vhost of their own: durable queues outlive a session, and a test's events
# must not reach the running system (or the other way round).
TEST_AMQP_URI ?= amqp://guest:guest@127.0.0.1:5672/taizhang_test
TEST_ENV = TAIZHANG_DATABASE_URL=$(TEST_DATABASE_URL) TAIZHANG_ADMIN_DATABASE_URL=$(TEST_ADMIN_DATABASE_URL) TAIZHANG_AMQP_URI=$(TEST_AMQP_URI)

STAMPS := .make

.DEFAULT_GOAL := help
.PHONY: help deps infra migrate test unit run stop bench lint format

help: ## list the targets
	@echo 'usage: make TARGET [PYTHON=python3] [PYTEST_ARGS=...]'
	@awk 'BEGIN { FS = ":.*## " } /^[a-z]+:.*## / { printf "  %-8s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

deps: $(STAMPS)/deps ## install the project and its test tools (again when pyproject.toml changes)

# Stamps record that an install is current; pip runs again only when
# pyproject.toml is newer than its stamp.
$(STAMPS)/deps: pyproject.toml
	@mkdir -p $(@D)
	$(PYTHON) -m pip install -q -e '.[test]'
	@touch $@

$(STAMPS)/bench-deps: pyproject.toml $(STAMPS)/deps
	$(PYTHON) -m pip install -q -e '.[bench]'
	@touch $@

infra: ## install, configure and start RabbitMQ and PostgreSQL locally (idempotent)
	bash scripts/infra.sh up

migrate: deps infra ## create the event-log schema (as taizhang_admin)
	$(TAIZHANG) migrate

test: deps lint infra ## lint, then every test against the real servers (database taizhang_test)
	bash scripts/infra.sh tools
	$(TEST_ENV) $(PYTHON) -m pytest $(PYTEST_ARGS)

unit: deps ## the tests that need no servers
	$(PYTHON) -m pytest -m "not servers" $(PYTEST_ARGS)

run: deps infra migrate ## start the services with demo data and print the URL
	bash scripts/run.sh

stop: ## stop the services, then the servers
	-bash scripts/run.sh stop
	bash scripts/infra.sh down

bench: deps infra $(STAMPS)/bench-deps ## benchmarks (database taizhang_test)
	$(TEST_ENV) $(PYTHON) -m bench

lint: deps ## ruff and mypy, changing nothing
	$(RUFF) check . && $(RUFF) format --check . && $(MYPY) eventlog

format: deps ## reformat and apply ruff's safe fixes
	$(RUFF) format . && $(RUFF) check --fix .
