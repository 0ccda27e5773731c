"""What every branch query starts with: the branch, its clock, and whether the actor may read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.common.actors import is_service
from services.common.periods import DEFAULT_TIMEZONE, local_date
from services.common.queries import ReadDatabase

from ..domain.permissions import require
from ..exceptions import NotFound


@dataclass(frozen=True)
class Reader:
    branch_id: str
    institution_id: str
    name: str
    timezone: str

    def today(self, now: datetime) -> date:
        """Dates (due, overdue, month end) are the institution's local dates, not the server's."""
        return local_date(now, self.timezone)


_READER = """
SELECT b.branch_id, b.institution_id, b.name, coalesce(i.timezone, %(tz)s) AS timezone,
       EXISTS (SELECT 1 FROM ledger.members m WHERE m.branch_id = b.branch_id
               AND m.member_id = %(actor)s AND m.active) AS member,
       EXISTS (SELECT 1 FROM ledger.committee c WHERE c.institution_id = b.institution_id
               AND c.person_id = %(actor)s) AS committee
FROM ledger.branches b LEFT JOIN ledger.institutions i USING (institution_id)
WHERE b.branch_id = %(branch)s
"""


def reader(db: ReadDatabase, branch_id: str, actor_id: str) -> Reader:
    """Everyone in a branch, the institution committee and our services may read it."""
    row = db.fetch_one(_READER, {"tz": DEFAULT_TIMEZONE, "actor": actor_id, "branch": branch_id})
    if row is None:
        raise NotFound(f"branch {branch_id} does not exist")
    require(
        row["member"] or row["committee"] or is_service(actor_id),
        "member of the branch, or institution_committee",
    )
    return Reader(row["branch_id"], row["institution_id"], row["name"], row["timezone"])


def item_row(db: ReadDatabase, item_id: str) -> dict[str, Any]:
    row = db.fetch_one("SELECT * FROM ledger.items WHERE item_id = %s", (item_id,))
    if row is None:
        raise NotFound(f"item {item_id} does not exist")
    return row
