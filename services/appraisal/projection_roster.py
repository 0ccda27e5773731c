"""Read-model handlers for what the appraisal learns from the ledger's streams.

The roster (branches, the institution committee and time zone, members, groups, roles) drives
permissions, peer pools and the day due dates are judged by; the ledger items planned for
rectifications are followed until they close, for the performance archive. Only items of kind
rectification get a row, so the other item events update nothing.
"""

from __future__ import annotations

from eventlog import statement
from eventlog.projection import Handler

_ITEM_PLANNED = (
    "INSERT INTO appraisal.rectification_items (item_id, status, due_date, updated_at)"
    " SELECT %(item_id)s, 'planned', %(due_date)s, %(at)s WHERE %(kind)s = 'rectification'"
    " ON CONFLICT DO NOTHING"
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
    "ItemPlanned": statement(_ITEM_PLANNED),
    "ItemStarted": _occurrence("'in_progress'", "cancelled", "closed_at"),
    "ItemCompleted": _occurrence("'done'", "cancelled", "%(at)s"),
    "ItemCancelled": _occurrence("'cancelled'", "true", "%(at)s"),
    "ItemReopened": _occurrence("'in_progress'", "false", "NULL"),
    "DueDateChanged": statement(
        "UPDATE appraisal.rectification_items SET due_date = coalesce(%(due_date)s, due_date),"
        " updated_at = %(at)s WHERE item_id = %(owner)s"
    ),
}
