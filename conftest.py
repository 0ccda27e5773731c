"""Shared fixtures. nameko's pytest plugin no longer monkey-patches: eventlet is patched here,
before anything imports socket or psycopg2, as `nameko run` would do."""

import eventlet

eventlet.monkey_patch()

import inspect  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import ssl  # noqa: E402
import sys  # noqa: E402

# pytest's plugins import urllib3 (through requests) before this file patches: it then holds the
# unpatched SSLContext, which the patched ssl module sends into endless recursion as soon as one
# is made (botocore makes one for every client). `nameko run` patches before anything imports
# urllib3, so urllib3 holds the green one there: the same here.
if (_urllib3_ssl := sys.modules.get("urllib3.util.ssl_")) is not None:
    _urllib3_ssl.SSLContext = _urllib3_ssl.orig_util_SSLContext = ssl.SSLContext

# Test containers serve no metrics port unless a test asks: two sessions would collide on it.
os.environ.setdefault("TAIZHANG_METRICS_PORT", "0")
# The services have no default keys: the tests make theirs, new each session (the processes they
# start inherit them).
for _variable in ("TAIZHANG_JWT_KEY", "TAIZHANG_APPRAISAL_KEY"):
    os.environ.setdefault(_variable, secrets.token_urlsafe(32))

import kombu  # noqa: E402
import pytest  # noqa: E402
from nameko.events import EventHandler  # noqa: E402
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR  # noqa: E402

from eventlog import Database, PostgresEventStore, Settings  # noqa: E402
from eventlog.migrate import reset  # noqa: E402
from tests.support import SERVICES, service_class  # noqa: E402

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
    delete_event_queues(settings.amqp_uri)
    return settings


def event_queues(service: type) -> list[str]:
    """The queues nameko declares for a service's event handlers (`evt-<source>-<type>--
    <service>.<method>`, as nameko.events.EventHandler names a service pool's)."""
    return [
        f"evt-{entrypoint.source_service}-{entrypoint.event_type}--{service.name}.{method}"
        for method, attribute in inspect.getmembers(service)
        for entrypoint in getattr(attribute, ENTRYPOINT_EXTENSIONS_ATTR, ())
        if isinstance(entrypoint, EventHandler)
    ]


def delete_event_queues(amqp_uri: str) -> None:
    """The services' event queues go with the log they announced: they are durable, and one
    whose service was not running when the last session ended still holds every event it
    missed, which the service's first start here would take, look up, and ignore one by one.
    Each service declares its queues again when it starts."""
    with kombu.Connection(amqp_uri) as conn:
        for name in SERVICES:
            for queue in event_queues(service_class(name)):
                conn.default_channel.queue_delete(queue)  # a queue already gone is no error


@pytest.fixture(scope="session")
def db(settings):
    database = Database(settings.database_url, max_connections=20)
    yield database
    database.close()


@pytest.fixture
def store(db) -> PostgresEventStore:
    return PostgresEventStore(db, source="test")
