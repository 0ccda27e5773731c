"""The comparison library: eventsourcing's PostgreSQL application recorder (psycopg 3).

Two configurations, each in a schema of its own: the default one (LOCK TABLE + NOTIFY in a
pipelined transaction), and POSTGRES_ENABLE_DB_FUNCTIONS=y (one call of a PL/pgSQL function).
Own schemas, not only own table names: the insert function is named per schema
(`es_insert_events_uuid`) and each recorder re-points it at its own table when it creates it.
"""

from __future__ import annotations

import uuid

from eventsourcing.persistence import InfrastructureFactory, StoredEvent
from eventsourcing.utils import Environment
from psycopg2.extensions import parse_dsn

from bench import data
from bench.harness import Workload
from eventlog.store import encode

# configuration -> (schema, environment name, which prefixes the table: <name>_events)
CONFIGS = {
    "default": ("bench_es_default", "esdefault"),
    "dbfn": ("bench_es_dbfn", "esdbfn"),
}


def environment(database_url: str, config: str, create_table: bool) -> Environment:
    dsn, (schema, name) = parse_dsn(database_url), CONFIGS[config]
    return Environment(
        name,
        {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": dsn["dbname"],
            "POSTGRES_HOST": dsn.get("host", "127.0.0.1"),
            "POSTGRES_PORT": dsn.get("port", "5432"),
            "POSTGRES_USER": dsn["user"],
            "POSTGRES_PASSWORD": dsn.get("password", ""),
            "POSTGRES_SCHEMA": schema,
            "POSTGRES_ENABLE_DB_FUNCTIONS": "y" if config == "dbfn" else "n",
            "CREATE_TABLE": "y" if create_table else "n",
        },
    )


def create_tables(database_url: str, config: str) -> None:
    """Done once before the writers start, so that they do not race on DDL."""
    factory = InfrastructureFactory.construct(environment(database_url, config, True))
    try:
        factory.application_recorder()
    finally:
        factory.close()


class EsInsert:
    """`batch` events of one new originator per call, as `insert_events` receives them."""

    def __init__(self, database_url: str, config: str, batch: int):
        self.factory = InfrastructureFactory.construct(environment(database_url, config, False))
        self.recorder = self.factory.application_recorder()
        self.batch = batch
        self._payloads = data.payload_cycle()

    def step(self) -> int:
        originator_id, topic = uuid.uuid4(), data.ES_TOPIC
        events = [
            StoredEvent(originator_id, v, topic, encode(next(self._payloads)).encode())
            for v in range(1, self.batch + 1)
        ]
        self.recorder.insert_events(events)
        return self.batch

    def close(self) -> None:
        self.factory.close()


def es_insert(database_url: str, config: str, batch: int, writers: int = 1) -> Workload:
    label = f"eventsourcing recorder ({config}), {batch} event(s) per insert, {writers} writer(s)"
    kwargs = {"database_url": database_url, "config": config, "batch": batch}
    return Workload(f"es_{config}_b{batch}_w{writers}", label, EsInsert, kwargs, writers)
