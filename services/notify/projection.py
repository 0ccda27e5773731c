"""The notify read model (schema `notify`): the ledger's organisation as far as reminders need it,
and the service's own reminders, deliveries, preferences and thresholds.

Fed by the bus (`@event_handler("ledger", "#")`), by the service's own appends (read-your-writes)
and by the sweep from the log. Handlers read only their event, never the clock, so a rebuild
gives exactly the live model; every write is an upsert or a guarded update, harmless if replayed.
"""

from __future__ import annotations

import json
from pathlib import Path

from psycopg2.extensions import cursor as Cursor

from eventlog import Projection, StoredEvent, owner_of, statement
from eventlog.projection import Handler

from .projection_reminders import REMINDER_HANDLERS

SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text()
TABLES = (
    "notify.institutions",
    "notify.committee",
    "notify.branches",
    "notify.groups",
    "notify.members",
    "notify.roles",
    "notify.responsibilities",
    "notify.preferences",
    "notify.thresholds",
    "notify.reminders",
    "notify.deliveries",
)


def _responsibility(cur: Cursor, event: StoredEvent) -> None:
    branch_id, year = owner_of(event).rsplit(".", 1)
    data = event.data
    cur.execute(
        "INSERT INTO notify.responsibilities VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (branch_id, goal_id) DO UPDATE"
        " SET supervision = EXCLUDED.supervision, urging = EXCLUDED.urging",
        (
            branch_id,
            data["goal_id"],
            int(year),
            json.dumps([data["supervision"]]),
            json.dumps(list(data["urging"])),
        ),
    )


def _preferences(cur: Cursor, event: StoredEvent) -> None:
    cur.execute(
        "INSERT INTO notify.preferences VALUES (%s, %s, %s) ON CONFLICT (member_id)"
        " DO UPDATE SET channels = EXCLUDED.channels, webhook_url = EXCLUDED.webhook_url",
        (owner_of(event), json.dumps(event.data["channels"]), event.data["webhook_url"]),
    )


_THRESHOLDS = (
    "INSERT INTO notify.thresholds VALUES (%(owner)s, %(due_soon_days)s, %(escalate_after_days)s,"
    " %(escalate_again_after_days)s, %(study_days_before_month_end)s,"
    " %(meetings_days_before_period_end)s) ON CONFLICT (branch_id) DO UPDATE SET"
    " due_soon_days = EXCLUDED.due_soon_days,"
    " escalate_after_days = EXCLUDED.escalate_after_days,"
    " escalate_again_after_days = EXCLUDED.escalate_again_after_days,"
    " study_days_before_month_end = EXCLUDED.study_days_before_month_end,"
    " meetings_days_before_period_end = EXCLUDED.meetings_days_before_period_end"
)

HANDLERS: dict[str, Handler] = {
    "InstitutionRegistered": statement(
        "INSERT INTO notify.institutions VALUES (%(institution_id)s, %(timezone)s)"
        " ON CONFLICT (institution_id) DO UPDATE SET timezone = EXCLUDED.timezone"
    ),
    "CommitteeMemberAppointed": statement(
        "INSERT INTO notify.committee VALUES (%(owner)s, %(person_id)s) ON CONFLICT DO NOTHING"
    ),
    "CommitteeMemberRemoved": statement(
        "DELETE FROM notify.committee WHERE institution_id = %(owner)s"
        " AND person_id = %(person_id)s"
    ),
    "BranchRegistered": statement(
        "INSERT INTO notify.branches (branch_id, institution_id, name)"
        " VALUES (%(branch_id)s, %(institution_id)s, %(name)s)"
        " ON CONFLICT (branch_id) DO UPDATE SET name = EXCLUDED.name"
    ),
    "GroupFormed": statement(
        "INSERT INTO notify.groups VALUES (%(owner)s, %(group_id)s, %(name)s)"
        " ON CONFLICT (branch_id, group_id) DO UPDATE SET name = EXCLUDED.name"
    ),
    "MemberJoined": statement(
        "INSERT INTO notify.members (branch_id, member_id, group_id, email, active, name)"
        " VALUES (%(owner)s, %(member_id)s, %(group_id)s, %(email)s, true, %(name)s)"
        " ON CONFLICT (branch_id, member_id) DO UPDATE SET group_id = EXCLUDED.group_id,"
        " email = EXCLUDED.email, active = true, name = EXCLUDED.name",
        "group_id",
        "email",
    ),
    "MemberMoved": statement(
        "UPDATE notify.members SET group_id = %(group_id)s"
        " WHERE branch_id = %(owner)s AND member_id = %(member_id)s",
        "group_id",
    ),
    "MemberLeft": statement(
        "UPDATE notify.members SET active = false"
        " WHERE branch_id = %(owner)s AND member_id = %(member_id)s"
    ),
    "RoleGranted": statement(
        "INSERT INTO notify.roles VALUES (%(owner)s, %(member_id)s, %(role)s,"
        " coalesce(%(group_id)s, '')) ON CONFLICT DO NOTHING",
        "group_id",
    ),
    "RoleRevoked": statement(
        "DELETE FROM notify.roles WHERE branch_id = %(owner)s AND member_id = %(member_id)s"
        " AND role = %(role)s AND group_id = coalesce(%(group_id)s, '')",
        "group_id",
    ),
    "ResponsibilityAssigned": _responsibility,
    "PreferencesSet": _preferences,
    "ThresholdsSet": statement(_THRESHOLDS),
    **REMINDER_HANDLERS,
}

PROJECTION = Projection(
    name="notify",
    categories=(
        "institution",
        "branch",
        "goals",
        "reminder",
        "prefs",
        "notifyconfig",
    ),
    schema_sql=SCHEMA_SQL,
    tables=TABLES,
    handlers=HANDLERS,
    # 2: members' names (notify.members.name), which earlier admissions must fill;
    # 3: branches' and groups' names (notify.branches.name, notify.groups), likewise.
    version=3,
)
