"""Writers through the log API: `PostgresEventStore.append`, exactly as the services call it."""

from __future__ import annotations

import uuid

from bench import data
from bench.harness import Workload
from eventlog import Database, Metadata, NewEvent, PostgresEventStore

METADATA = Metadata(
    branch_id=data.BRANCH_ID, actor_id=data.ACTOR_ID, correlation_id=data.CORRELATION_ID
)


class LogAppend:
    """Appends `batch` events to a new stream per call (expected version 0: no such stream yet)."""

    def __init__(self, database_url: str, batch: int):
        self.store = PostgresEventStore(Database(database_url, max_connections=1), data.SOURCE)
        self.batch, self._payloads = batch, data.payload_cycle()

    def step(self) -> int:
        events = [NewEvent(data.EVENT_TYPE, next(self._payloads)) for _ in range(self.batch)]
        stream_id = f"{data.CATEGORY}-{uuid.uuid4()}"
        self.store.append(stream_id, events, 0, metadata=METADATA)
        return self.batch

    def close(self) -> None:
        self.store.db.close()


def log_append(database_url: str, batch: int, writers: int = 1) -> Workload:
    label = f"log API append, {batch} event(s) per append, {writers} writer(s)"
    kwargs = {"database_url": database_url, "batch": batch}
    return Workload(f"log_b{batch}_w{writers}", label, LogAppend, kwargs, writers)
