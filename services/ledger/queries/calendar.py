"""What notify's scan reads of every branch, in one call a scan.

A scan used to ask for each branch's open occurrences, study log and meeting slots one RPC at a
time: four round trips a branch at a month's end, repeated by every notify instance, so its time
grew with the number of branches until a scan no longer fitted its tick. Here each branch costs
the ledger its queries alone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.common.errors import ServiceError
from services.common.queries import ReadDatabase
from services.common.roles import OPEN

from . import ledger, life

PAGE = 500


def scan_inputs(
    db: ReadDatabase, now: datetime, actor_id: str, branches: list[dict[str, Any]]
) -> dict[str, Any]:
    """For each branch asked: its unfinished occurrences due by `due_to` (overdue ones too), and
    its study log and meeting slots for the years asked (none when a year is not given)."""
    return {"branches": [_branch(db, now, actor_id, **asked) for asked in branches]}


def _branch(
    db: ReadDatabase,
    now: datetime,
    actor_id: str,
    branch_id: str,
    due_to: date,
    study_year: int | None,
    slots_year: int | None,
) -> dict[str, Any]:
    try:
        study = life.study_log(db, now, actor_id, branch_id, study_year) if study_year else None
        slots = life.org_life(db, now, actor_id, branch_id, slots_year) if slots_year else None
        return {
            "branch_id": branch_id,
            "entries": _open_entries(db, now, actor_id, branch_id, due_to),
            "study": study["members"] if study else [],
            "slots": slots["slots"] if slots else [],
        }
    except ServiceError as refused:  # one branch the ledger cannot answer for holds back no other
        return {"branch_id": branch_id, "refused": f"{type(refused).__name__}: {refused}"}


def _open_entries(
    db: ReadDatabase, now: datetime, actor_id: str, branch_id: str, due_to: date
) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for status in OPEN:
        offset, total = 0, 1
        while offset < total:
            page = ledger.list_entries(
                db, now, actor_id, branch_id, PAGE, offset, status=status, due_to=due_to
            )
            entries += page["entries"]
            offset, total = offset + PAGE, page["total"]
    return entries
