"""What every command handler does: load an aggregate from its stream, learn who the actor is in
the branch, and append the decided events at the version it was loaded at."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import reduce
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from eventlog.model import Metadata, NewEvent, StoredEvent

from ..domain.organisation import Branch, Institution, evolve_branch, evolve_institution
from ..domain.permissions import Authority, authority
from ..exceptions import NotFound

State = TypeVar("State")


class EventStore(Protocol):
    def read_stream(
        self, stream_id: str, from_version: int = 1, as_of: datetime | None = None
    ) -> list[StoredEvent]: ...

    def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: int | None,
        *,
        metadata: Metadata = ...,
    ) -> list[StoredEvent]: ...


@dataclass(frozen=True)
class Outcome:
    """What a command did: the id it created or changed, the stream's new version, the events."""

    id: str
    version: int
    events: list[StoredEvent]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "events": [e.type for e in self.events]}


@dataclass(frozen=True)
class Scope:
    """A branch as the log tells it, with its institution and the acting person's authority."""

    institution: Institution
    branch: Branch
    version: int
    who: Authority

    def today(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self.institution.timezone)).date()


def load(
    store: EventStore, stream_id: str, evolve: Callable[[State, Any], State], initial: State
) -> tuple[State, int]:
    events = store.read_stream(stream_id)
    return reduce(evolve, events, initial), (events[-1].version if events else 0)


def commit(
    store: EventStore,
    stream_id: str,
    events: list[NewEvent],
    version: int,
    *,
    actor_id: str,
    branch_id: str | None,
    now: datetime,
    id: str,
) -> Outcome:
    """Appends at the loaded version, so a concurrent change makes this one fail, not interleave."""
    stamped = [replace(event, occurred_at=now) for event in events]
    meta = Metadata(branch_id=branch_id, actor_id=actor_id)
    stored = store.append(stream_id, stamped, version, metadata=meta)
    return Outcome(id, stored[-1].version if stored else version, stored)


def institution_of(store: EventStore, institution_id: str) -> tuple[Institution, int]:
    state, version = load(store, f"institution-{institution_id}", evolve_institution, Institution())
    if not version:
        raise NotFound(f"institution {institution_id} does not exist")
    return state, version


def scope_of(store: EventStore, branch_id: str, actor_id: str) -> Scope:
    branch, version = load(store, f"branch-{branch_id}", evolve_branch, Branch())
    if not version:
        raise NotFound(f"branch {branch_id} does not exist")
    institution, _ = institution_of(store, branch.institution_id)
    return Scope(institution, branch, version, authority(institution, branch, actor_id))
