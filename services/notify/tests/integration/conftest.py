"""Handler tests on the real PostgreSQL: the ledger's events written by its own handlers, the
notify read model fed from the log, and the ledger's queries answering in-process."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from nameko.exceptions import UnknownService

from eventlog import PostgresEventStore, ProjectionRunner, utcnow
from services.common.schemas import load
from services.ledger.projection import PROJECTION as LEDGER_PROJECTION
from services.ledger.queries import calendar
from services.ledger.schemas import queries as lq
from services.ledger.service import COMMANDS
from services.notify.handlers.common import Log
from services.notify.projection import PROJECTION

from .seed import at, seed

LEDGER_QUERIES = {"scan_inputs": (lq.ScanInputsQuery, calendar.scan_inputs)}


class Reply:
    def __init__(self, value: Any):
        self.value = value

    def result(self) -> Any:
        return self.value


class LedgerInProcess:
    """The ledger's query methods over its read model, shaped like a nameko RPC proxy."""

    def __init__(self, runner: ProjectionRunner):
        self.runner = runner

    def __getattr__(self, method: str):
        schema, query = LEDGER_QUERIES[method]

        class Method:
            @staticmethod
            def call_async(**payload: Any) -> Reply:
                return Reply(query(self.runner.db, utcnow(), **load(schema(), payload)))

        return Method


@dataclass
class MovedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


@dataclass
class AppraisalProxy:
    """The appraisal service's answer, fixed; `away`: as nameko answers for a missing service."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    away: bool = False

    @property
    def open_steps(self):
        steps, away = self.steps, self.away

        class Method:
            @staticmethod
            def call_async(**payload: Any) -> Reply:
                if away:
                    raise UnknownService("appraisal")
                return Reply(steps)

        return Method


@pytest.fixture
def ledger_runner(db) -> ProjectionRunner:
    runner = ProjectionRunner(db, PostgresEventStore(db, source="ledger"), LEDGER_PROJECTION)
    runner.setup()
    return runner


@pytest.fixture
def log(db) -> Log:
    runner = ProjectionRunner(db, PostgresEventStore(db, source="notify"), PROJECTION)
    runner.setup()
    return Log(PostgresEventStore(db, source="notify"), runner)


@pytest.fixture
def world(db, ledger_runner, log) -> dict[str, str]:
    """The seeded branch, in the ledger's read model and in notify's."""
    store = PostgresEventStore(db, source="ledger")

    def call(method: str, /, **payload: Any) -> dict:
        schema, handle = COMMANDS[method]
        outcome = handle(load(schema(), payload), store, at("due_soon"))
        ledger_runner.apply(outcome.events)
        log.read_model.apply(outcome.events)
        return outcome.as_dict()

    return seed(call)
