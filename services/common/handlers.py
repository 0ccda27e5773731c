"""What every command handler does: load an aggregate from its stream, and append the decided
events at the version it was loaded at."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any, Protocol, TypeVar, runtime_checkable

from eventlog.definitions import Event, new_event
from eventlog.model import Metadata, NewEvent, StoredEvent

from .errors import PreconditionFailed

State = TypeVar("State")


class EventStore(Protocol):
    def read_stream(
        self, stream_id: str, from_version: int = 1, as_of: datetime | None = None
    ) -> list[StoredEvent]: ...

    def read_streams(
        self, stream_ids: Collection[str], as_of: datetime | None = None
    ) -> dict[str, list[StoredEvent]]: ...

    def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: int | None,
        *,
        metadata: Metadata = ...,
    ) -> list[StoredEvent]: ...


@runtime_checkable
class RecordingStore(Protocol):
    """A store that keeps what a command answered with its events (services/common/keyed.py)."""

    def append_outcome(
        self,
        id: str,
        stream_id: str,
        events: Sequence[NewEvent],
        version: int | None,
        *,
        metadata: Metadata,
    ) -> list[StoredEvent]: ...


@dataclass(frozen=True)
class Outcome:
    """What a command did: the id it created or changed, the stream's new version, the events."""

    id: str
    version: int
    events: list[StoredEvent]

    def as_dict(self) -> dict[str, Any]:
        """The answer; `stream_id` (None when nothing was stored) is for the gateway, which
        applies the stream to its own read model before it answers (the HTTP answer leaves it
        out)."""
        return {
            "id": self.id,
            "version": self.version,
            "events": [e.type for e in self.events],
            "stream_id": self.events[-1].stream_id if self.events else None,
        }


class Expecting:
    """The store while a command runs under the client's precondition: its commit must write at
    the version the client saw (HTTP If-Match, from an ETag or an earlier command's answer).
    Reads, and a keyed store's recording, pass through."""

    def __init__(self, store: Any, version: int):
        self._store, self.version = store, version

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def expecting(store: Any, version: int | None) -> Any:
    """`store`, under the precondition that the command writes at `version` (None: none)."""
    return store if version is None else Expecting(store, version)


def load(
    store: EventStore, stream_id: str, evolve: Callable[[State, Any], State], initial: State
) -> tuple[State, int]:
    events = store.read_stream(stream_id)
    return reduce(evolve, events, initial), (events[-1].version if events else 0)


def commit(
    store: EventStore,
    stream_id: str,
    events: Sequence[Event],
    version: int,
    *,
    actor_id: str,
    branch_id: str | None,
    now: datetime,
    id: str,
    correlation_id: str | None = None,
) -> Outcome:
    """Appends what a domain decided at the loaded version, so a concurrent change makes this
    one fail, not interleave: here each event becomes the log's, stamped with `now`. A keyed
    command's store keeps the outcome with the events. Without a `correlation_id`, the events
    carry the request's (see eventlog.nameko)."""
    if isinstance(store, Expecting) and store.version != version:
        raise PreconditionFailed(
            f"{stream_id} is at version {version}, not {store.version}: read it again"
        )
    stamped = [new_event(event, occurred_at=now) for event in events]
    meta = Metadata(branch_id=branch_id, actor_id=actor_id, correlation_id=correlation_id)
    if isinstance(store, RecordingStore):
        stored = store.append_outcome(id, stream_id, stamped, version, metadata=meta)
    else:
        stored = store.append(stream_id, stamped, version, metadata=meta)
    return Outcome(id, stored[-1].version if stored else version, stored)
