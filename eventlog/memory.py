"""An in-memory event store with the PostgreSQL store's contract: the fake for unit tests."""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from eventlog.model import (
    NO_METADATA,
    START,
    UPCASTERS,
    ConcurrencyConflict,
    DuplicateEventIdMismatch,
    Metadata,
    NewEvent,
    Position,
    StoredEvent,
    Upcasters,
    category_of,
    utcnow,
)
from eventlog.store import Append, appends_with_events, encode, stored_events


class InMemoryEventStore:
    """Events are kept as appended; readers get them upcast to the newest shape, as from the
    PostgreSQL store."""

    def __init__(self, source: str = "test", upcasters: Upcasters = UPCASTERS):
        self.source, self._upcasters = source, upcasters
        self._events: list[StoredEvent] = []
        self._streams: dict[str, list[StoredEvent]] = {}
        self._by_id: dict[str, StoredEvent] = {}
        self._lock = threading.Lock()

    def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: int | None,
        *,
        metadata: Metadata = NO_METADATA,
    ) -> list[StoredEvent]:
        return self.append_batch([(stream_id, expected_version, events)], metadata=metadata)

    def append_batch(
        self, appends: Sequence[Append], *, metadata: Metadata = NO_METADATA
    ) -> list[StoredEvent]:
        appends = appends_with_events(appends)  # as the PostgreSQL store does
        with self._lock:
            ids = [str(e.event_id) for _, _, events in appends for e in events]
            found = [self._by_id[i] for i in ids if i in self._by_id]
            if found and len(found) == len(ids):
                return found
            if found:
                raise DuplicateEventIdMismatch(
                    f"{len(found)} of {len(ids)} event ids already stored"
                )
            for stream_id, expected, _ in appends:
                actual = self._version(stream_id)
                if expected is not None and actual != expected:
                    raise ConcurrencyConflict(stream_id, expected, actual)
            for _, _, events in appends:  # the same refusal of non-JSON data as the real store
                for event in events:
                    encode(event.data)
            transaction_id, now = len(self._events) + 1, utcnow()  # one moment a batch
            stored: list[StoredEvent] = []
            for stream_id, _, events in appends:
                first = len(self._events) + 1
                added = stored_events(
                    self.source, stream_id, events, metadata,
                    self._version(stream_id) + 1, transaction_id, now,
                    range(first, first + len(events)),
                )  # fmt: skip
                self._events += added
                self._streams.setdefault(stream_id, []).extend(added)
                self._by_id.update((str(e.event_id), e) for e in added)
                stored += added
            return stored

    def _version(self, stream_id: str) -> int:
        return len(self._streams.get(stream_id, ()))

    def stream_version(self, stream_id: str) -> int:
        return self._version(stream_id)

    def read_stream(
        self,
        stream_id: str,
        from_version: int = 1,
        to_version: int | None = None,
        as_of: datetime | None = None,
    ) -> list[StoredEvent]:
        events = []
        for e in self._streams.get(stream_id, ())[from_version - 1 :]:
            if (to_version is not None and e.version > to_version) or (
                as_of is not None and e.occurred_at > as_of
            ):
                break
            events.append(self._upcast(e))
        return events

    def read_streams(
        self, stream_ids: Collection[str], as_of: datetime | None = None
    ) -> dict[str, list[StoredEvent]]:
        return {stream_id: self.read_stream(stream_id, as_of=as_of) for stream_id in stream_ids}

    def read_all(
        self,
        after: Position = START,
        *,
        categories: Collection[str] | None = None,
        types: Collection[str] | None = None,
        limit: int = 1000,
    ) -> list[StoredEvent]:
        selected = [
            self._upcast(e)
            for e in self._events
            if e.position > after
            and (categories is None or category_of(e.stream_id) in categories)
            and (types is None or e.type in types)
        ]
        return selected[:limit]

    def iterate(
        self, after: Position = START, batch: int = 1000, **filters
    ) -> Iterable[StoredEvent]:
        return self.read_all(after, limit=len(self._events), **filters)

    def _upcast(self, event: StoredEvent) -> StoredEvent:
        version, data = self._upcasters.upcast(event.type, event.schema_version, event.data)
        if version == event.schema_version:
            return event
        return replace(event, schema_version=version, data=data)

    def head(self) -> Position:
        return self._events[-1].position if self._events else START
