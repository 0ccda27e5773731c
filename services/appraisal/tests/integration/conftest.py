"""The appraisal against the real PostgreSQL (and RabbitMQ for the services)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

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


def eventually(check: Callable[[], Any], seconds: float = 20.0) -> Any:
    """The first truthy answer of `check` within the deadline: events flow by bus and sweep."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            found = check()
        except Exception:
            if time.monotonic() > deadline:
                raise
            found = None
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {check.__name__} after {seconds}s")
        time.sleep(0.1)
