"""The floors the log is compared with: plain psycopg2 INSERTs and plain kombu publishes.

The raw writers insert the same columns and values as the log API (one new stream per
transaction, the same JSON, the same metadata, event ids made the same way), into
`bench.raw_events`, a table with the log's columns, types, defaults, constraints and indexes but
without its append-only triggers.
"""

from __future__ import annotations

import uuid
from typing import Any

import kombu
import psycopg2
import psycopg2.extras

from bench import data
from bench.harness import Workload
from eventlog.model import new_event_id
from eventlog.store import encode

RAW_TABLE = "bench.raw_events"
# LIKE ... INCLUDING ALL copies columns, types, defaults, identity, CHECK and NOT NULL
# constraints and every index; triggers are never copied. So the raw table stays
# equivalent to eventlog.events whatever schema.sql becomes, minus the append-only triggers.
RAW_TABLE_DDL = f"CREATE TABLE {RAW_TABLE} (LIKE eventlog.events INCLUDING ALL)"
_COLUMNS = (
    "event_id, stream_id, version, event_type, schema_version, source, data, "
    "branch_id, actor_id, correlation_id, causation_id, occurred_at"
)
_ROW = "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now())"


class RawInsert:
    """`batch` rows in one transaction: INSERT (multi-row when batch > 1), then COMMIT."""

    def __init__(self, database_url: str, batch: int):
        self.conn = psycopg2.connect(database_url)  # not autocommit: an explicit transaction
        self.batch, self._payloads = batch, data.payload_cycle()
        self._insert = f"INSERT INTO {RAW_TABLE} ({_COLUMNS}) VALUES "

    def _row(self, stream_id: str, version: int) -> tuple[Any, ...]:
        return (new_event_id(), stream_id, version, data.EVENT_TYPE, 1, data.SOURCE,
                encode(next(self._payloads)), data.BRANCH_ID, data.ACTOR_ID,
                data.CORRELATION_ID, None)  # fmt: skip

    def step(self) -> int:
        stream_id = f"{data.CATEGORY}-{uuid.uuid4()}"
        rows = [self._row(stream_id, v) for v in range(1, self.batch + 1)]
        with self.conn.cursor() as cur:
            if self.batch == 1:
                cur.execute(self._insert + _ROW, rows[0])
            else:
                psycopg2.extras.execute_values(cur, self._insert + "%s", rows, _ROW, self.batch)
        self.conn.commit()
        return self.batch

    def close(self) -> None:
        self.conn.close()


def raw_insert(database_url: str, batch: int, writers: int = 1) -> Workload:
    kind = "multi-row INSERT" if batch > 1 else "INSERT"
    label = f"raw psycopg2 {kind} + COMMIT, {batch} row(s) per transaction, {writers} writer(s)"
    key = f"raw_b{batch}_w{writers}"
    kwargs = {"database_url": database_url, "batch": batch}
    return Workload(key, label, RawInsert, kwargs, writers)


class RawPublish:
    """kombu publishes of persistent messages without publisher confirms, 100 per step."""

    def __init__(self, amqp_uri: str, exchange: str, body: str, routing_key: str):
        self.conn = kombu.Connection(amqp_uri)
        exchange_ = kombu.Exchange(exchange, "topic", durable=True)
        self.producer = self.conn.Producer(exchange=exchange_)
        self.body, self.routing_key = body, routing_key

    def step(self) -> int:
        for _ in range(100):
            self.producer.publish(
                self.body, routing_key=self.routing_key, delivery_mode=2,
                content_type="application/json", content_encoding="utf-8",
                message_id=str(uuid.uuid4()),
                headers={"nameko.correlation_id": data.CORRELATION_ID},
            )  # fmt: skip
        return 100

    def close(self) -> None:
        self.conn.release()


def raw_publish(amqp_uri: str, exchange: str, body: str, routing_key: str) -> Workload:
    kwargs = {"amqp_uri": amqp_uri, "exchange": exchange, "body": body, "routing_key": routing_key}
    label = f"raw kombu publish, persistent, no confirms ({len(body.encode())}-byte body)"
    return Workload("kombu_raw", label, RawPublish, kwargs)
