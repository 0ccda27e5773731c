"""The ledger's read model on the real PostgreSQL (the root conftest gives `settings` and `db`)."""

import pytest

from eventlog import PostgresEventStore, ProjectionRunner
from services.ledger.projection import PROJECTION


@pytest.fixture
def ledger_store(db) -> PostgresEventStore:
    return PostgresEventStore(db, source="ledger")


@pytest.fixture
def runner(db, ledger_store) -> ProjectionRunner:
    runner = ProjectionRunner(db, ledger_store, PROJECTION)
    runner.setup()
    return runner
