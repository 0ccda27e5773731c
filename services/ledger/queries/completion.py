"""Ledger completion from the measure counters (ledger.measure_cells), never from occurrences.

Every figure is `domain.measures.tally` of some cells: the branch's dashboard, a group's and a
member's views, the institution's overview, goal progress and the appraisal's `member_measures`
all count the same way. A query reads O(cells): SQL sums each group's cells on either side of
today (`measures.sides`), so what reaches Python is a few rows per group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.common.actors import is_service
from services.common.periods import local_date
from services.common.queries import ReadDatabase

from ..domain import measures
from ..domain.permissions import require
from ..exceptions import NotFound
from .common import reader

KEYS = ("branch_id", "level", "kind", "cadence", "group_id", "owner_id", "goal_id")
# Each filter a caller may pass, as a condition on ledger.measure_cells.
FILTERS = {
    "group_id": "group_id = %(group_id)s",
    "owner_id": "owner_id = %(owner_id)s",
    "owner_ids": "owner_id = ANY(%(owner_ids)s)",
    "goal_ids": "goal_id = ANY(%(goal_ids)s)",
}
# '' in a cell's key stands for an item without a group, owner or goal.
_OPTIONAL = ("group_id", "owner_id", "goal_id")


def cells(
    db: ReadDatabase,
    branch_ids: list[str],
    start: date,
    end: date,
    today: date,
    keys: tuple[str, ...],
    **filters: Any,
) -> list[dict[str, Any]]:
    """The cells of the branches due from `start` to `end`, summed per `keys` and per side of
    `today` (their due date clamped to the day before, today or the day after)."""
    before, after = measures.sides(today)
    given = {name: value for name, value in filters.items() if value is not None}
    params = {**given, "branches": branch_ids, "start": start, "end": end}
    where = "".join(f" AND {FILTERS[name]}" for name in given)
    columns = ", ".join(keys)
    rows = db.fetch_all(
        f"SELECT {columns}, LEAST(GREATEST(due_date, %(before)s), %(after)s) AS due_date,"
        " sum(occurrences)::int AS occurrences, sum(done)::int AS done,"
        " sum(on_time)::int AS on_time FROM ledger.measure_cells"
        " WHERE branch_id = ANY(%(branches)s) AND due_date BETWEEN %(start)s AND %(end)s"
        f"{where} GROUP BY {', '.join(str(n) for n in range(1, len(keys) + 2))}",
        {**params, "before": before, "after": after},
    )
    for row in rows:
        for key in _OPTIONAL:
            if row.get(key) == "":
                row[key] = None
    return rows


def completion(rows: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """The tally of the rows, and one per level × kind × cadence."""
    by_cell = measures.tally_by(rows, today, "level", "kind", "cadence")
    return {
        **measures.tally(rows, today),
        "by_level_kind_cadence": [
            {"level": level, "kind": kind, "cadence": cadence, **counts}
            for (level, kind, cadence), counts in by_cell.items()
        ],
    }


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def branch_measures(
    db: ReadDatabase,
    now: datetime,
    actor_id: str,
    branch_id: str,
    year: int,
    group_id: str | None = None,
    owner_id: str | None = None,
) -> dict[str, Any]:
    """A branch's (or one group's, or one owner's) completion over the year, and each owner's."""
    today = reader(db, branch_id, actor_id).today(now)
    keys = ("level", "kind", "cadence", "owner_id")
    rows = cells(db, [branch_id], *_year(year), today, keys, group_id=group_id, owner_id=owner_id)
    owned = [row for row in rows if row["owner_id"] is not None]
    return {
        "branch_id": branch_id,
        "year": year,
        "today": today.isoformat(),
        "completion": completion(rows, today),
        "members": [
            {"member_id": owner, **counts}
            for (owner,), counts in measures.tally_by(owned, today, "owner_id").items()
        ],
    }


@dataclass(frozen=True)
class InstitutionReader:
    institution_id: str
    name: str
    timezone: str

    def today(self, now: datetime) -> date:
        return local_date(now, self.timezone)


def institution_reader(db: ReadDatabase, actor_id: str, institution_id: str) -> InstitutionReader:
    """The institution, if the actor may read all of its branches: its committee, a member of
    one of its branches, or one of our services."""
    found = db.fetch_one(
        "SELECT i.name, i.timezone, EXISTS (SELECT 1 FROM ledger.committee c"
        " WHERE c.institution_id = i.institution_id AND c.person_id = %(actor)s) AS committee,"
        " EXISTS (SELECT 1 FROM ledger.members m JOIN ledger.branches b USING (branch_id)"
        " WHERE b.institution_id = i.institution_id AND m.member_id = %(actor)s AND m.active)"
        " AS member FROM ledger.institutions i WHERE i.institution_id = %(institution)s",
        {"actor": actor_id, "institution": institution_id},
    )
    if found is None:
        raise NotFound(f"institution {institution_id} does not exist")
    require(
        found["committee"] or found["member"] or is_service(actor_id),
        "member of a branch of the institution, or institution_committee",
    )
    return InstitutionReader(institution_id, found["name"], found["timezone"])
