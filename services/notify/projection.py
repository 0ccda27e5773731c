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

from eventlog import Event, Projection, StoredEvent, owner_of, statement
from eventlog.projection import Handler
from services.ledger import events as le

from . import events as e
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
    assigned = le.ResponsibilityAssigned.of(event)
    branch_id, year = owner_of(event).rsplit(".", 1)
    cur.execute(
        "INSERT INTO notify.responsibilities VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (branch_id, goal_id) DO UPDATE"
        " SET supervision = EXCLUDED.supervision, urging = EXCLUDED.urging",
        (
            branch_id,
            assigned.goal_id,
            int(year),
            json.dumps([assigned.supervision]),
            json.dumps(list(assigned.urging)),
        ),
    )


HANDLERS: dict[type[Event], Handler] = {
    le.InstitutionRegistered: statement(
        le.InstitutionRegistered,
        "INSERT INTO notify.institutions VALUES (%(institution_id)s, %(timezone)s)"
        " ON CONFLICT (institution_id) DO UPDATE SET timezone = EXCLUDED.timezone",
    ),
    le.CommitteeMemberAppointed: statement(
        le.CommitteeMemberAppointed,
        "INSERT INTO notify.committee VALUES (%(owner)s, %(person_id)s) ON CONFLICT DO NOTHING",
    ),
    le.CommitteeMemberRemoved: statement(
        le.CommitteeMemberRemoved,
        "DELETE FROM notify.committee WHERE institution_id = %(owner)s"
        " AND person_id = %(person_id)s",
    ),
    le.BranchRegistered: statement(
        le.BranchRegistered,
        "INSERT INTO notify.branches (branch_id, institution_id, name)"
        " VALUES (%(branch_id)s, %(institution_id)s, %(name)s)"
        " ON CONFLICT (branch_id) DO UPDATE SET name = EXCLUDED.name",
    ),
    le.GroupFormed: statement(
        le.GroupFormed,
        "INSERT INTO notify.groups VALUES (%(owner)s, %(group_id)s, %(name)s)"
        " ON CONFLICT (branch_id, group_id) DO UPDATE SET name = EXCLUDED.name",
    ),
    le.MemberJoined: statement(
        le.MemberJoined,
        "INSERT INTO notify.members (branch_id, member_id, group_id, email, active, name)"
        " VALUES (%(owner)s, %(member_id)s, %(group_id)s, %(email)s, true, %(name)s)"
        " ON CONFLICT (branch_id, member_id) DO UPDATE SET group_id = EXCLUDED.group_id,"
        " email = EXCLUDED.email, active = true, name = EXCLUDED.name",
    ),
    le.MemberMoved: statement(
        le.MemberMoved,
        "UPDATE notify.members SET group_id = %(group_id)s"
        " WHERE branch_id = %(owner)s AND member_id = %(member_id)s",
    ),
    le.MemberLeft: statement(
        le.MemberLeft,
        "UPDATE notify.members SET active = false"
        " WHERE branch_id = %(owner)s AND member_id = %(member_id)s",
    ),
    le.RoleGranted: statement(
        le.RoleGranted,
        "INSERT INTO notify.roles VALUES (%(owner)s, %(member_id)s, %(role)s,"
        " coalesce(%(group_id)s, '')) ON CONFLICT DO NOTHING",
    ),
    le.RoleRevoked: statement(
        le.RoleRevoked,
        "DELETE FROM notify.roles WHERE branch_id = %(owner)s AND member_id = %(member_id)s"
        " AND role = %(role)s AND group_id = coalesce(%(group_id)s, '')",
    ),
    le.ResponsibilityAssigned: _responsibility,
    e.PreferencesSet: statement(
        e.PreferencesSet,
        "INSERT INTO notify.preferences VALUES (%(owner)s, %(channels)s, %(webhook_url)s)"
        " ON CONFLICT (member_id) DO UPDATE SET channels = EXCLUDED.channels,"
        " webhook_url = EXCLUDED.webhook_url",
    ),
    e.ThresholdsSet: statement(
        e.ThresholdsSet,
        "INSERT INTO notify.thresholds VALUES (%(owner)s, %(due_soon_days)s,"
        " %(escalate_after_days)s, %(escalate_again_after_days)s,"
        " %(study_days_before_month_end)s, %(meetings_days_before_period_end)s)"
        " ON CONFLICT (branch_id) DO UPDATE SET due_soon_days = EXCLUDED.due_soon_days,"
        " escalate_after_days = EXCLUDED.escalate_after_days,"
        " escalate_again_after_days = EXCLUDED.escalate_again_after_days,"
        " study_days_before_month_end = EXCLUDED.study_days_before_month_end,"
        " meetings_days_before_period_end = EXCLUDED.meetings_days_before_period_end",
    ),
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
    # What the rules never look at: goal sets and their goals (only who is responsible for one
    # is theirs) and the branch's goal template.
    ignored=(le.GoalTemplateSet, le.GoalSetOpened, le.GoalAdded),
    # 2: members' names (notify.members.name), which earlier admissions must fill;
    # 3: branches' and groups' names (notify.branches.name, notify.groups), likewise.
    version=3,
)
