"""The appraisal against the real PostgreSQL (and RabbitMQ for the services)."""

from __future__ import annotations

import pytest

from eventlog import PostgresEventStore, ProjectionRunner
from services.appraisal.projection import PROJECTION


@pytest.fixture
def ledger_store(db) -> PostgresEventStore:
    return PostgresEventStore(db, source="ledger")


@pytest.fixture
def appraisal_store(db) -> PostgresEventStore:
    return PostgresEventStore(db, source="appraisal")


@pytest.fixture
def runner(db, appraisal_store) -> ProjectionRunner:
    runner = ProjectionRunner(db, appraisal_store, PROJECTION)
    runner.setup()
    return runner
