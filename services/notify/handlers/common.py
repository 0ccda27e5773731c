"""What every notify handler does with the log: fold a stream, append at a version, and tell the
read model at once (read-your-writes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from eventlog import Event, StoredEvent
from services.common.actors import service_actor
from services.common.handlers import EventStore, Outcome, commit, load

State = TypeVar("State")
ACTOR = service_actor("notify")


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
        return load(self.store, stream_id, evolve, initial)

    def commit(
        self,
        stream_id: str,
        events: list[Event],
        version: int | None,
        *,
        id: str,
        now: datetime,
        actor_id: str = ACTOR,
        branch_id: str | None = None,
    ) -> Outcome:
        """Appends (stamped with the service's clock), then applies to the read model; no events,
        nothing appended, and the outcome keeps `version`.

        Raises ConcurrencyConflict if the stream is not at `version` (0: must not exist).
        """
        outcome = commit(
            self.store, stream_id, events, version,
            actor_id=actor_id, branch_id=branch_id, now=now, id=id,
        )  # fmt: skip
        if outcome.events:
            self.read_model.apply(outcome.events)
        return outcome

    def append(
        self,
        stream_id: str,
        events: list[Event],
        version: int | None,
        *,
        now: datetime,
        actor_id: str = ACTOR,
        branch_id: str | None = None,
    ) -> list[StoredEvent]:
        """`commit`, for the events alone."""
        return self.commit(
            stream_id, events, version, id=stream_id, now=now, actor_id=actor_id,
            branch_id=branch_id,
        ).events  # fmt: skip
