"""The event log inside nameko services, as DependencyProviders.

class LedgerService:
    name = "ledger"
    log = EventLog()                    # the store, writing as source "ledger"
    read_model = ReadModel(PROJECTION)  # catch-up from the log on start and every few seconds
    relay = LogRelay()                  # publishes the log; only one in the cluster is active

    @event_handler("ledger", "#")       # every event the relay publishes for "ledger"
    def on_event(self, body):
        self.read_model.handle(body)
"""

from __future__ import annotations

import logging

import eventlet
from nameko.extensions import DependencyProvider

from eventlog.config import Settings
from eventlog.db import Database
from eventlog.migrate import migrate
from eventlog.projection import Projection, ProjectionRunner
from eventlog.relay import BrokerPublisher, Relay
from eventlog.store import PostgresEventStore

log = logging.getLogger(__name__)


def _database(settings: Settings, size: int) -> Database:
    return Database(settings.database_url, max_connections=size)


class EventLog(DependencyProvider):
    """Gives each worker the event store, writing as this service (its `source`)."""

    def setup(self) -> None:
        self.db = _database(Settings.from_env(), size=20)
        self.store = PostgresEventStore(self.db, source=self.container.service_name)

    def stop(self) -> None:
        self.db.close()

    def get_dependency(self, worker_ctx) -> PostgresEventStore:
        return self.store


class ReadModel(DependencyProvider):
    """Keeps a projection up to date: from the bus via `handle`, and from the log by a sweep."""

    def __init__(self, projection: Projection, sweep_seconds: float = 2.0):
        self.projection, self.sweep_seconds = projection, sweep_seconds

    def setup(self) -> None:
        settings = Settings.from_env()
        migrate(settings)  # the log's schema first: a fresh database may start with any service
        self.db = _database(settings, size=20)
        store = PostgresEventStore(self.db, source=self.container.service_name)
        self.runner = ProjectionRunner(self.db, store, self.projection)
        self.runner.setup()

    def start(self) -> None:
        self.container.spawn_managed_thread(self._sweep, identifier=f"sweep:{self.projection.name}")

    def stop(self) -> None:
        self.db.close()

    def _sweep(self) -> None:
        while True:
            try:
                self.runner.catch_up()
            except Exception:  # the database may be away for a while: keep sweeping
                log.exception("%s: catch-up from the log failed", self.projection.name)
            eventlet.sleep(self.sweep_seconds)

    def get_dependency(self, worker_ctx) -> ProjectionRunner:
        return self.runner


class LogRelay(DependencyProvider):
    """Runs a relay in every service instance; the advisory lock keeps one of them active."""

    def setup(self) -> None:
        settings = Settings.from_env()
        self.db = _database(settings, size=2)
        store = PostgresEventStore(self.db, source=self.container.service_name)
        # nameko's own AMQP_URI when configured, so events go where the service's consumers listen
        amqp_uri = self.container.config.get("AMQP_URI") or settings.amqp_uri
        self.relay = Relay(store, BrokerPublisher(amqp_uri))
        self._stopping = False

    def start(self) -> None:
        self.container.spawn_managed_thread(self._run, identifier="relay")

    def _run(self) -> None:
        self.relay.run(should_stop=lambda: self._stopping)

    def stop(self) -> None:
        self._stopping = True
        self.relay.release()
        self.db.close()
