"""Loads a realistic demo institution into the database: `python -m services.ledger.demo`.

Every command goes through the handlers (so permissions and rules apply), first into a staging
log in memory (the store the unit tests use), dated in the past; the staged events are then
copied into PostgreSQL with `append_batch` — keeping their versions, dates and actors — and the
read model is rebuilt. The log's schema must exist already: `make run` migrates before it runs this.
"""

from __future__ import annotations

import sys
import time
import uuid

from eventlog import (
    Database,
    InMemoryEventStore,
    Metadata,
    NewEvent,
    PostgresEventStore,
    ProjectionRunner,
    Settings,
    StoredEvent,
)

from .demo_world import INSTITUTION, World
from .projection import PROJECTION

BATCH = 400  # events per append_batch: one statement each, kept to a sensible size
DEMO_NAMESPACE = uuid.UUID("5d6c4a56-7a1e-4c1b-9a57-2f0c3e7b9d10")


def copy(staged: list[StoredEvent], store: PostgresEventStore) -> int:
    """Appends the staged events in rounds: each stream's k-th run of one actor's events in round
    k, one append_batch per actor and round, so every stream keeps its order.

    The institution's stream goes last: once it exists, the whole demo is in the log. Event ids
    are derived from stream and version, so a load cut short resumes as an idempotent retry.
    """
    last = [e for e in staged if e.stream_id == f"institution-{INSTITUTION}"]
    _copy([e for e in staged if e.stream_id != last[0].stream_id], store)
    _copy(last, store)
    return len(staged)


def _copy(staged: list[StoredEvent], store: PostgresEventStore) -> None:
    runs: dict[str, list[list[StoredEvent]]] = {}
    for event in staged:
        stream_runs = runs.setdefault(event.stream_id, [])
        if stream_runs and stream_runs[-1][-1].metadata == event.metadata:
            stream_runs[-1].append(event)
        else:
            stream_runs.append([event])
    for k in range(max(len(r) for r in runs.values())):
        rounds: dict[Metadata, list] = {}
        for stream_id, stream_runs in runs.items():
            if k < len(stream_runs):
                run = stream_runs[k]
                rounds.setdefault(run[0].metadata, []).append(
                    (stream_id, run[0].version - 1, [_new(e) for e in run])
                )
        for metadata, appends in rounds.items():
            for chunk in _chunks(appends):
                store.append_batch(chunk, metadata=metadata)


def _new(event: StoredEvent) -> NewEvent:
    event_id = uuid.uuid5(DEMO_NAMESPACE, f"{event.stream_id}:{event.version}")
    return NewEvent(event.type, event.data, event.schema_version, event_id, event.occurred_at)


def _chunks(appends: list) -> list[list]:
    chunks, size = [[]], 0
    for append in appends:
        if size + len(append[2]) > BATCH and chunks[-1]:
            chunks, size = [*chunks, []], 0
        chunks[-1].append(append)
        size += len(append[2])
    return chunks


def main() -> None:
    started = time.monotonic()
    settings = Settings.from_env()
    db = Database(settings.database_url)
    store = PostgresEventStore(db, source="ledger")
    world = World(seed=2026)
    if store.stream_version(f"institution-{INSTITUTION}"):
        print(f"the demo institution {INSTITUTION} is already loaded", file=sys.stderr)
    else:
        staging = InMemoryEventStore(source="ledger")
        world.build(staging)
        count = copy(list(staging.iterate()), store)
        ProjectionRunner(db, store, PROJECTION).rebuild()
        print(f"loaded {count} events in {time.monotonic() - started:.1f}s", file=sys.stderr)
    for person_id, description in world.users():
        print(f"{person_id}\t{description}")
    db.close()


if __name__ == "__main__":
    main()
