"""Fixtures: the test's child processes (always killed at the end) and its own bus queue."""

import uuid

import pytest

from eventlog import PostgresEventStore, ProjectionRunner

from .counter import counter, table
from .harness import Children, bind_queue, delete_queue


@pytest.fixture
def children(settings, tmp_path):
    group = Children(settings, tmp_path)
    yield group
    group.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A failure says what the test's child processes (services, relays, consumers) logged
    last, after its own message: most faults here are one of theirs."""
    try:
        return (yield)
    except Exception as failed:
        children = item.funcargs.get("children")
        if children is not None:
            failed.add_note(f"what the child processes logged last:\n{children.tails()}")
        raise


@pytest.fixture
def category() -> str:
    """A category (and source) of the test's own, so its streams, exchange and counts are apart."""
    return f"rel{uuid.uuid4().hex[:12]}"


@pytest.fixture
def store(db, category) -> PostgresEventStore:
    return PostgresEventStore(db, source=category)


@pytest.fixture
def bus(settings, category):
    """A durable queue bound to `<category>.events` with `#`, deleted with its exchange after."""
    queue = bind_queue(settings.amqp_uri, category, f"{category}-queue")
    yield queue
    delete_queue(settings.amqp_uri, category, queue.name)


@pytest.fixture
def read_model(db, store, category) -> ProjectionRunner:
    """The test's `counter` read model (the consumers keep it; the test reads its lag)."""
    runner = ProjectionRunner(db, store, counter(category))
    runner.setup()
    yield runner
    db.execute(f"DROP TABLE IF EXISTS {table(category)}")
