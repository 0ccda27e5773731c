"""Read-model handlers for what the appraisal learns from the ledger's streams.

The roster (branches, the institution committee and time zone, members, groups, roles) drives
permissions, peer pools and the day due dates are judged by; the ledger items planned for
rectifications are followed until they close, for the performance archive. Only the items the
ledger planned for a cycle's rectification get a row (one-off items whose source names the
cycle), so the other item events update nothing: an item of kind rectification that someone
planned by hand, recurring perhaps, is no rectification of a cycle.
"""

from __future__ import annotations

from psycopg2.extensions import cursor as Cursor

from eventlog import StoredEvent, statement
from eventlog.projection import Handler


def _item_planned(cur: Cursor, event: StoredEvent) -> None:
    data = event.data
    if data["kind"] != "rectification" or not (data.get("source") or {}).get("cycle_id"):
        return
    cur.execute(
        "INSERT INTO appraisal.rectification_items (item_id, status, due_date, updated_at)"
        " VALUES (%s, 'planned', %s, %s) ON CONFLICT DO NOTHING",
        (data["item_id"], data["due_date"], event.occurred_at),
    )


# A rectification is a one-off item: its one occurrence is its state. A whole-item cancel or
# reopen (period null) sets only the flag, as in the ledger.
_OCCURRENCE = (
    "UPDATE appraisal.rectification_items SET status = CASE WHEN %(period)s IS NULL THEN status"
    " ELSE {status} END, cancelled = CASE WHEN %(period)s IS NULL THEN {cancelled}"
    " ELSE cancelled END, closed_at = {closed}, note = coalesce(%(note)s, %(reason)s, note),"
    " updated_at = %(at)s WHERE item_id = %(owner)s"
)


def _occurrence(status: str, cancelled: str, closed: str) -> Handler:
    sql = _OCCURRENCE.format(status=status, cancelled=cancelled, closed=closed)
    return statement(sql, "note", "reason")


ROSTER_HANDLERS: dict[str, Handler] = {
    "InstitutionRegistered": statement(
        "INSERT INTO appraisal.institutions VALUES (%(institution_id)s, %(timezone)s)"
        " ON CONFLICT (institution_id) DO UPDATE SET timezone = EXCLUDED.timezone"
    ),
    "BranchRegistered": statement(
        "INSERT INTO appraisal.branches VALUES (%(branch_id)s, %(institution_id)s)"
        " ON CONFLICT DO NOTHING"
    ),
    "CommitteeMemberAppointed": statement(
        "INSERT INTO appraisal.committee VALUES (%(owner)s, %(person_id)s) ON CONFLICT DO NOTHING"
    ),
    "CommitteeMemberRemoved": statement(
        "DELETE FROM appraisal.committee WHERE institution_id = %(owner)s"
        " AND person_id = %(person_id)s"
    ),
    "MemberJoined": statement(
        "INSERT INTO appraisal.members VALUES (%(owner)s, %(member_id)s, %(name)s, %(group_id)s,"
        " true) ON CONFLICT (branch_id, member_id) DO UPDATE SET name = EXCLUDED.name,"
        " group_id = EXCLUDED.group_id, active = true"
    ),
    "MemberMoved": statement(
        "UPDATE appraisal.members SET group_id = %(group_id)s"
        " WHERE branch_id = %(owner)s AND member_id = %(member_id)s"
    ),
    "MemberLeft": statement(
        "UPDATE appraisal.members SET active = false"
        " WHERE branch_id = %(owner)s AND member_id = %(member_id)s"
    ),
    "RoleGranted": statement(
        "INSERT INTO appraisal.roles VALUES (%(owner)s, %(member_id)s, %(role)s,"
        " coalesce(%(group_id)s, '')) ON CONFLICT DO NOTHING"
    ),
    "RoleRevoked": statement(
        "DELETE FROM appraisal.roles WHERE branch_id = %(owner)s AND member_id = %(member_id)s"
        " AND role = %(role)s AND group_id = coalesce(%(group_id)s, '')"
    ),
}

ITEM_HANDLERS: dict[str, Handler] = {
    "ItemPlanned": _item_planned,
    "ItemStarted": _occurrence("'in_progress'", "cancelled", "closed_at"),
    "ItemCompleted": _occurrence("'done'", "cancelled", "%(at)s"),
    "ItemCancelled": _occurrence("'cancelled'", "true", "%(at)s"),
    "ItemReopened": _occurrence("'in_progress'", "false", "NULL"),
    # A recurring item changes its due_day and has no due_date: no rectification of ours.
    "DueDateChanged": statement(
        "UPDATE appraisal.rectification_items SET due_date = coalesce(%(due_date)s, due_date),"
        " updated_at = %(at)s WHERE item_id = %(owner)s",
        "due_date",
    ),
}
