"""What every ledger command handler starts with: the branch as the log tells it, and who the
actor is in it. Loading and committing are services/common/handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.common.handlers import EventStore, load
from services.common.periods import local_date

from ..domain.organisation import Branch, Institution, evolve_branch, evolve_institution
from ..domain.permissions import Authority, authority
from ..exceptions import NotFound


@dataclass(frozen=True)
class Scope:
    """A branch as the log tells it, with its institution and the acting person's authority."""

    institution: Institution
    branch: Branch
    version: int
    who: Authority

    def today(self, now: datetime) -> date:
        return local_date(now, self.institution.timezone)


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
