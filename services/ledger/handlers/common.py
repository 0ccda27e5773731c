"""What every ledger command handler starts with, the branch as the log tells it and who the
actor is in it, and ends with: the append, as the actor. Loading and committing are
services/common/handlers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from eventlog import Event
from services.common.handlers import EventStore, Outcome, commit, load
from services.common.periods import local_date

from ..domain import branch as b
from ..domain import institution as i
from ..domain.permissions import Authority, authority
from ..exceptions import NotFound


@dataclass(frozen=True)
class Scope:
    """A branch as the log tells it, with its institution and the acting person's authority."""

    institution: i.Institution
    branch: b.Branch
    version: int
    who: Authority

    def today(self, now: datetime) -> date:
        return local_date(now, self.institution.timezone)


def institution_of(store: EventStore, institution_id: str) -> tuple[i.Institution, int]:
    state, version = load(store, f"institution-{institution_id}", i.evolve, i.Institution())
    if not version:
        raise NotFound(f"institution {institution_id} does not exist")
    return state, version


def scope_of(store: EventStore, branch_id: str, actor_id: str) -> Scope:
    branch, version = load(store, f"branch-{branch_id}", b.evolve, b.Branch())
    if not version:
        raise NotFound(f"branch {branch_id} does not exist")
    institution, _ = institution_of(store, branch.institution_id)
    return Scope(institution, branch, version, authority(institution, branch, actor_id))


def commit_as(
    cmd: Any,
    store: EventStore,
    stream_id: str,
    events: Sequence[Event],
    version: int,
    now: datetime,
    *,
    id: str,
    branch_id: str | None,
) -> Outcome:
    """Appends what the command decided, as its actor (services/common/handlers.commit)."""
    return commit(
        store, stream_id, events, version, actor_id=cmd.actor_id, branch_id=branch_id, now=now,
        id=id,
    )  # fmt: skip
