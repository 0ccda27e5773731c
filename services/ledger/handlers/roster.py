"""Importing a roster: checked against the log as one plan, appended as one batch.

The whole roster is decided before anything is stored, and its events, over every branch it
touches, are appended together at the versions read: all of them are stored, or none (a change
to one of those branches meanwhile refuses the batch; the import is then run again). Which
branches the institution has comes from the read model; each branch itself, and those at the
ids the roster's names derive, from the log.
"""

from __future__ import annotations

from datetime import datetime
from functools import reduce
from typing import Any

from eventlog import Metadata, StoredEvent, new_event
from services.common.periods import local_date

from ..domain import roster
from ..domain.branch import Branch, evolve
from ..domain.permissions import require_committee
from .common import institution_of

_BRANCHES = "SELECT branch_id FROM ledger.branches WHERE institution_id = %s"


def import_roster(
    cmd: roster.ImportRoster, store: Any, db: Any, now: datetime
) -> tuple[dict[str, Any], list[StoredEvent]]:
    """The report (row by row, in Chinese) and the events stored (none on a dry run, or when
    any row is wrong)."""
    institution, _ = institution_of(store, cmd.institution_id)
    require_committee(institution, cmd.actor_id)
    known, versions = _branches(cmd, store, db)
    plan = roster.plan(cmd, known, local_date(now, institution.timezone))
    stored: list[StoredEvent] = []
    if plan.valid and not cmd.dry_run and plan.events:
        appends = [
            (
                f"branch-{branch_id}",
                versions[branch_id],
                [new_event(e, occurred_at=now) for e in events],
            )
            for branch_id, events in plan.events.items()
        ]
        stored = store.append_batch(appends, metadata=Metadata(actor_id=cmd.actor_id))
    report = {
        "valid": plan.valid,
        "applied": bool(stored),
        "rows": [row.as_dict() for row in plan.rows],
        "summary": _summary(plan),
    }
    return report, stored


def _branches(cmd: roster.ImportRoster, store: Any, db: Any):
    """(branch id → state, branch id → version) of the institution's branches and of the ids
    the roster's branch names derive (a branch registered moments ago may be missing from the
    read model, never from the log)."""
    names = {row.branch for row in (*cmd.units, *cmd.members) if row.branch}
    ids = {row["branch_id"] for row in db.fetch_all(_BRANCHES, (cmd.institution_id,))}
    ids |= {roster.derived_id("b", cmd.institution_id, name) for name in names}
    streams = store.read_streams([f"branch-{branch_id}" for branch_id in ids])
    known: dict[str, Branch] = {}
    versions: dict[str, int] = {}
    for stream_id, events in streams.items():
        branch_id = stream_id.removeprefix("branch-")
        known[branch_id] = reduce(evolve, events, Branch())
        versions[branch_id] = events[-1].version if events else 0
    return known, versions


def _summary(plan: roster.Plan) -> dict[str, int]:
    """How many of each change the plan makes, by event type."""
    counts: dict[str, int] = {}
    for events in plan.events.values():
        for event in events:
            counts[event.type] = counts.get(event.type, 0) + 1
    return counts
