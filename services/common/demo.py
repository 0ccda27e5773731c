"""What the demos share: their events, staged in the in-memory log, copied into PostgreSQL.

A demo writes through its service's handlers (so permissions and rules apply) into an
InMemoryEventStore, dated in the past, which is fast; `copy` then appends the staged events to the
log with `append_batch`, keeping their versions, dates and actors.
"""

from __future__ import annotations

import uuid

from eventlog import Metadata, NewEvent, PostgresEventStore, StoredEvent

BATCH = 400  # events per append_batch: one statement each, kept to a sensible size
DEMO_NAMESPACE = uuid.UUID("5d6c4a56-7a1e-4c1b-9a57-2f0c3e7b9d10")


def copy(staged: list[StoredEvent], store: PostgresEventStore, last: str) -> int:
    """Appends the staged events in rounds: each stream's k-th run of one actor's events in round
    k, one append_batch per actor and round, so every stream keeps its order.

    The stream `last` goes last: once it exists, the whole demo is in the log. Event ids are
    derived from stream and version, so a load cut short resumes as an idempotent retry.
    """
    _copy([e for e in staged if e.stream_id != last], store)
    _copy([e for e in staged if e.stream_id == last], store)
    return len(staged)


def _copy(staged: list[StoredEvent], store: PostgresEventStore) -> None:
    runs: dict[str, list[list[StoredEvent]]] = {}
    for event in staged:
        stream_runs = runs.setdefault(event.stream_id, [])
        if stream_runs and stream_runs[-1][-1].metadata == event.metadata:
            stream_runs[-1].append(event)
        else:
            stream_runs.append([event])
    for k in range(max((len(r) for r in runs.values()), default=0)):
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
    chunks: list[list] = [[]]
    size = 0
    for append in appends:
        if size + len(append[2]) > BATCH and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(append)
        size += len(append[2])
    return chunks
