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
from dataclasses import replace

import eventlet
import kombu
from nameko.extensions import DependencyProvider

from eventlog import blobs
from eventlog.config import Settings
from eventlog.db import Database
from eventlog.model import NO_METADATA, Metadata
from eventlog.projection import Projection, ProjectionRunner, retire
from eventlog.relay import BrokerPublisher, Relay
from eventlog.store import PostgresEventStore

log = logging.getLogger(__name__)


def _database(container) -> Database:
    """One pool per service container, shared by its providers: a worker holds at most one
    connection at a time, and the sweep, the relay and read-your-writes need a few more."""
    shared = container.__dict__.get("_taizhang_database")
    if shared is None:
        size = container.config.get("max_workers", 10) + 4
        shared = Database(Settings.from_env().database_url, max_connections=size)
        container.__dict__["_taizhang_database"] = shared
    return shared


class WorkerStore:
    """The store as one worker sees it: its appends carry the worker's correlation id.

    The id comes from nameko's context data, which travels with RPC calls and events (the
    gateway sets it per request; the relay sets it on each published event), so every event a
    request causes, in any service, shares the request's correlation id. It is read at append
    time: another provider may set it after this one was handed to the worker.
    """

    def __init__(self, store: PostgresEventStore, worker_ctx):
        self._store, self._worker_ctx = store, worker_ctx

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def append(self, stream_id, events, expected_version, *, metadata=NO_METADATA):
        return self._store.append(
            stream_id, events, expected_version, metadata=self._correlated(metadata)
        )

    def append_batch(self, appends, *, metadata=NO_METADATA):
        return self._store.append_batch(appends, metadata=self._correlated(metadata))

    def _correlated(self, metadata: Metadata) -> Metadata:
        correlation_id = self._worker_ctx.data.get("correlation_id")
        if metadata.correlation_id or not correlation_id:
            return metadata
        return replace(metadata, correlation_id=correlation_id)


class EventLog(DependencyProvider):
    """Gives each worker the event store, writing as this service (its `source`)."""

    def setup(self) -> None:
        self.db = _database(self.container)
        self.store = PostgresEventStore(self.db, source=self.container.service_name)

    def stop(self) -> None:
        self.db.close()

    def get_dependency(self, worker_ctx) -> WorkerStore:
        return WorkerStore(self.store, worker_ctx)


class Blobs(DependencyProvider):
    """Gives each worker the blob store the environment names (eventlog/blobs.py): the log's
    own database unless TAIZHANG_BLOB_STORE says otherwise."""

    def setup(self) -> None:
        self.store = blobs.from_env(_database(self.container))

    def get_dependency(self, worker_ctx) -> blobs.BlobStore:
        return self.store


class ReadModel(DependencyProvider):
    """Keeps a projection up to date: from the bus via `handle`, and from the log by a sweep."""

    def __init__(self, projection: Projection, sweep_seconds: float = 2.0):
        self.projection, self.sweep_seconds = projection, sweep_seconds

    def setup(self) -> None:
        self.db = _database(self.container)
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
    """Runs a relay in every service instance; the advisory lock keeps one of them active.

    Only the relay's own green thread touches its connections: `stop` asks it to finish and
    waits, so a batch is never cut in the middle of a broker or database exchange.
    """

    def setup(self) -> None:
        self.db = _database(self.container)
        store = PostgresEventStore(self.db, source=self.container.service_name)
        # nameko's own AMQP_URI when configured, so events go where the service's consumers listen
        amqp_uri = self.container.config.get("AMQP_URI") or Settings.from_env().amqp_uri
        self.relay = Relay(store, BrokerPublisher(amqp_uri))
        self._thread = None

    def start(self) -> None:
        self._thread = self.container.spawn_managed_thread(self.relay.run, identifier="relay")

    def stop(self) -> None:
        self.relay.stop()
        if self._thread is not None:
            self._thread.wait()
        self.db.close()

    def kill(self) -> None:
        # nameko kills extensions before managed threads: end the relay's thread first, so no
        # one closes a connection it is using; then closing the lock connection frees the lock
        # for a standby at once instead of when TCP notices.
        self.relay.stop()
        if self._thread is not None:
            self._thread.kill()
        self.relay.release()


class RetiredQueues(DependencyProvider):
    """Deletes, when the service starts, the queues of event handlers an earlier release had:
    durable and no longer consumed, they would otherwise keep every matching event for ever.

    nameko names a handler's queue `evt-<source>-<event type>--<service>.<method>`.
    """

    def __init__(self, *names: str):
        self.names = names

    def start(self) -> None:
        amqp_uri = self.container.config.get("AMQP_URI") or Settings.from_env().amqp_uri
        with kombu.Connection(amqp_uri) as conn:
            for name in self.names:
                conn.default_channel.queue_delete(name)  # a queue already gone is no error


class RetiredReadModel(DependencyProvider):
    """Removes, when the service starts, a read model an earlier release kept (`Projection.name`
    and its `tables`): its tables, subscription and tracking rows would otherwise stay for ever."""

    def __init__(self, name: str, *tables: str):
        self.name, self.tables = name, tables

    def setup(self) -> None:
        retire(_database(self.container), self.name, self.tables)
