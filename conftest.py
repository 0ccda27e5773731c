"""Shared fixtures. nameko's pytest plugin no longer monkey-patches: eventlet is patched here,
before anything imports socket or psycopg2, as `nameko run` would do."""

import eventlet

eventlet.monkey_patch()

import os  # noqa: E402
import secrets  # noqa: E402

# Test containers serve no metrics port unless a test asks: two sessions would collide on it.
os.environ.setdefault("TAIZHANG_METRICS_PORT", "0")
# The services have no default keys: the tests make theirs, new each session (the processes they
# start inherit them).
for _variable in ("TAIZHANG_JWT_KEY", "TAIZHANG_APPRAISAL_KEY"):
    os.environ.setdefault(_variable, secrets.token_urlsafe(32))

import pytest  # noqa: E402

from eventlog import Database, PostgresEventStore, Settings  # noqa: E402
from eventlog.migrate import reset  # noqa: E402

SERVER_FIXTURES = {"settings", "db", "rabbit_config"}
SERVICE_SCHEMAS = ("ledger", "appraisal", "notify", "gateway")


def pytest_collection_modifyitems(items):
    """Every test that touches a real server is marked, so `make unit` can leave them out."""
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.servers)


@pytest.fixture(scope="session")
def settings() -> Settings:
    settings = Settings.from_env()
    try:
        reset(settings, SERVICE_SCHEMAS)
    except RuntimeError as refused:  # not a *_test database
        pytest.exit(f"tests drop schemas: {refused}; point TAIZHANG_DATABASE_URL at one")
    return settings


@pytest.fixture(scope="session")
def db(settings):
    database = Database(settings.database_url, max_connections=20)
    yield database
    database.close()


@pytest.fixture
def store(db) -> PostgresEventStore:
    return PostgresEventStore(db, source="test")
