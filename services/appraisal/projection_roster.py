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

from eventlog import Event, StoredEvent, statement
from eventlog.projection import Handler
from services.common.roles import status_after
from services.ledger import events as le


def _item_planned(cur: Cursor, event: StoredEvent) -> None:
    plan = le.ItemPlanned.of(event)
    if plan.kind != "rectification" or not (plan.source or {}).get("cycle_id"):
        return
    cur.execute(
        "INSERT INTO appraisal.rectification_items (item_id, status, due_date, updated_at)"
        " VALUES (%s, 'planned', %s, %s) ON CONFLICT DO NOTHING",
        (plan.item_id, plan.due_date, event.occurred_at),
    )


# A rectification is a one-off item: its one occurrence is its state. A whole-item cancel or
# reopen (period null) sets only the flag, as in the ledger. The note kept is the change's own
# (a completion's note, a cancellation's or reopening's reason), else the last one.
_OCCURRENCE = (
    "UPDATE appraisal.rectification_items SET status = CASE WHEN %(period)s IS NULL THEN status"
    " ELSE '{status}' END, cancelled = CASE WHEN %(period)s IS NULL THEN {cancelled}"
    " ELSE cancelled END, closed_at = {closed}, note = coalesce({note}, note),"
    " updated_at = %(at)s WHERE item_id = %(owner)s"
)


def _occurrence(change: type[Event], cancelled: str, closed: str, note: str = "NULL") -> Handler:
    status = status_after(change.type)
    sql = _OCCURRENCE.format(status=status, cancelled=cancelled, closed=closed, note=note)
    return statement(change, sql)


ROSTER_HANDLERS: dict[type[Event], Handler] = {
    le.InstitutionRegistered: statement(
        le.InstitutionRegistered,
        "INSERT INTO appraisal.institutions VALUES (%(institution_id)s, %(timezone)s)"
        " ON CONFLICT (institution_id) DO UPDATE SET timezone = EXCLUDED.timezone",
    ),
    le.BranchRegistered: statement(
        le.BranchRegistered,
        "INSERT INTO appraisal.branches VALUES (%(branch_id)s, %(institution_id)s)"
        " ON CONFLICT DO NOTHING",
    ),
    le.CommitteeMemberAppointed: statement(
        le.CommitteeMemberAppointed,
        "INSERT INTO appraisal.committee VALUES (%(owner)s, %(person_id)s) ON CONFLICT DO NOTHING",
    ),
    le.CommitteeMemberRemoved: statement(
        le.CommitteeMemberRemoved,
        "DELETE FROM appraisal.committee WHERE institution_id = %(owner)s"
        " AND person_id = %(person_id)s",
    ),
    le.MemberJoined: statement(
        le.MemberJoined,
        "INSERT INTO appraisal.members VALUES (%(owner)s, %(member_id)s, %(name)s, %(group_id)s,"
        " true) ON CONFLICT (branch_id, member_id) DO UPDATE SET name = EXCLUDED.name,"
        " group_id = EXCLUDED.group_id, active = true",
    ),
    le.MemberMoved: statement(
        le.MemberMoved,
        "UPDATE appraisal.members SET group_id = %(group_id)s"
        " WHERE branch_id = %(owner)s AND member_id = %(member_id)s",
    ),
    le.MemberLeft: statement(
        le.MemberLeft,
        "UPDATE appraisal.members SET active = false"
        " WHERE branch_id = %(owner)s AND member_id = %(member_id)s",
    ),
    le.RoleGranted: statement(
        le.RoleGranted,
        "INSERT INTO appraisal.roles VALUES (%(owner)s, %(member_id)s, %(role)s,"
        " coalesce(%(group_id)s, '')) ON CONFLICT DO NOTHING",
    ),
    le.RoleRevoked: statement(
        le.RoleRevoked,
        "DELETE FROM appraisal.roles WHERE branch_id = %(owner)s AND member_id = %(member_id)s"
        " AND role = %(role)s AND group_id = coalesce(%(group_id)s, '')",
    ),
}

ITEM_HANDLERS: dict[type[Event], Handler] = {
    le.ItemPlanned: _item_planned,
    le.ItemStarted: _occurrence(le.ItemStarted, "cancelled", "closed_at"),
    le.ItemCompleted: _occurrence(le.ItemCompleted, "cancelled", "%(at)s", "%(note)s"),
    le.ItemCancelled: _occurrence(le.ItemCancelled, "true", "%(at)s", "%(reason)s"),
    le.ItemReopened: _occurrence(le.ItemReopened, "false", "NULL", "%(reason)s"),
    # A recurring item changes its due_day and has no due_date: no rectification of ours.
    le.DueDateChanged: statement(
        le.DueDateChanged,
        "UPDATE appraisal.rectification_items SET due_date = coalesce(%(due_date)s, due_date),"
        " updated_at = %(at)s WHERE item_id = %(owner)s",
    ),
}
# The ledger's events of those streams that change nothing the appraisal keeps: groups (a
# member's group comes with them), goal templates, progress notes, owners, what was done about
# an overdue item, and its files.
ROSTER_IGNORED = (
    le.GoalTemplateSet,
    le.GroupFormed,
    le.ProgressNoted,
    le.ItemReassigned,
    le.AccountabilityRecorded,
    le.ItemFileAttached,
)
