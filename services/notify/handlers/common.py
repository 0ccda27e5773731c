"""What every notify handler does with the log: fold a stream, append at a version, and tell the
read model at once (read-your-writes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import reduce
from typing import Any, Protocol, TypeVar

from eventlog.model import Metadata, NewEvent, StoredEvent
from services.common.actors import service_actor

State = TypeVar("State")
ACTOR = service_actor("notify")


class EventStore(Protocol):
    def read_stream(self, stream_id: str, from_version: int = 1) -> list[StoredEvent]: ...

    def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: int | None,
        *,
        metadata: Metadata = ...,
    ) -> list[StoredEvent]: ...


class ReadModel(Protocol):
    """The projection runner: its database for queries, `apply` for the events just written."""

    db: Any

    def apply(self, events: Sequence[StoredEvent]) -> int: ...


@dataclass(frozen=True)
class Log:
    """The store and the read model together, as every handler needs both."""

    store: EventStore
    read_model: ReadModel

    @property
    def db(self) -> Any:
        return self.read_model.db

    def load(
        self, stream_id: str, evolve: Callable[[State, Any], State], initial: State
    ) -> tuple[State, int]:
        events = self.store.read_stream(stream_id)
        return reduce(evolve, events, initial), (events[-1].version if events else 0)

    def append(
        self,
        stream_id: str,
        events: list[NewEvent],
        version: int | None,
        *,
        now: datetime,
        actor_id: str = ACTOR,
        branch_id: str | None = None,
    ) -> list[StoredEvent]:
        """Appends (stamped with the service's clock), then applies to the read model.

        Raises ConcurrencyConflict if the stream is not at `version` (0: must not exist).
        """
        if not events:
            return []
        stamped = [replace(event, occurred_at=now) for event in events]
        meta = Metadata(branch_id=branch_id, actor_id=actor_id)
        stored = self.store.append(stream_id, stamped, version, metadata=meta)
        self.read_model.apply(stored)
        return stored


@dataclass(frozen=True)
class Outcome:
    """What a command did: the id it concerned, the stream's version, the events it appended."""

    id: str
    version: int
    events: list[StoredEvent]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "events": [e.type for e in self.events]}
