"""The ledger's read model (schema `ledger`), fed from the log by SQL handlers.

Handlers use only their event (and rows its own stream wrote before), never the clock, so a
rebuild from the log yields exactly the live model. Writes are upserts: harmless if replayed.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path

from psycopg2.extensions import cursor as Cursor
from psycopg2.extras import execute_values

from eventlog import Event, Projection, StoredEvent, category_of, owner_of, statement
from eventlog.projection import Handler, by_type

from . import events as e
from .projection_files import life_file
from .projection_items import ITEM_HANDLERS, REPLAYED_ITEM_HANDLERS, rebuilt

SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text()
TABLES = (
    "ledger.institutions",
    "ledger.committee",
    "ledger.goal_templates",
    "ledger.branches",
    "ledger.groups",
    "ledger.members",
    "ledger.memberships",
    "ledger.roles",
    "ledger.goals",
    "ledger.items",
    "ledger.occurrences",
    "ledger.measure_cells",
    "ledger.meeting_requirements",
    "ledger.meetings",
    "ledger.attendance",
    "ledger.reports",
    "ledger.articles",
    "ledger.attachments",
)


def _goal_set_opened(cur: Cursor, event: StoredEvent) -> None:
    opened = e.GoalSetOpened.of(event)
    rows = [
        (
            opened.branch_id,
            opened.year,
            goal["goal_id"],
            goal["code"],
            goal["title"],
            goal["description"],
            True,
            n,
        )
        for n, goal in enumerate(opened.goals, start=1)
    ]
    execute_values(
        cur,
        "INSERT INTO ledger.goals (branch_id, year, goal_id, code, title,"
        " description, standard, ordinal) VALUES %s ON CONFLICT DO NOTHING",
        rows,
    )


def _goal_added(cur: Cursor, event: StoredEvent) -> None:
    added = e.GoalAdded.of(event)
    branch_id, year = owner_of(event).rsplit(".", 1)
    cur.execute(
        "INSERT INTO ledger.goals (branch_id, year, goal_id, code, title, description, standard,"
        " ordinal) VALUES (%s, %s, %s, NULL, %s, %s, false, %s) ON CONFLICT DO NOTHING",
        (branch_id, int(year), added.goal_id, added.title, added.description, 100 + event.version),
    )


def _responsibility(cur: Cursor, event: StoredEvent) -> None:
    assigned = e.ResponsibilityAssigned.of(event)
    branch_id, year = owner_of(event).rsplit(".", 1)
    cur.execute(
        "UPDATE ledger.goals SET responsibility = %s"
        " WHERE branch_id = %s AND year = %s AND goal_id = %s",
        (json.dumps(assigned.data), branch_id, int(year), assigned.goal_id),
    )


def _meeting_held(cur: Cursor, event: StoredEvent) -> None:
    held, branch_id = e.MeetingHeld.of(event), owner_of(event)
    cur.execute(
        "INSERT INTO ledger.meetings (branch_id, meeting_id, meeting_type, held_on, group_id,"
        " title, minutes, recorded_by, lecturer, partner, place)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (
            branch_id,
            held.meeting_id,
            held.meeting_type,
            held.held_on,
            held.group_id,
            held.title,
            held.minutes,
            event.actor_id,
            json.dumps(held.lecturer, ensure_ascii=False) if held.lecturer else None,
            held.partner,
            held.place,
        ),
    )
    rows = [
        (branch_id, held.meeting_id, member, status)
        for member, status in sorted(held.attendance.items())
    ]
    if rows:
        execute_values(cur, "INSERT INTO ledger.attendance VALUES %s ON CONFLICT DO NOTHING", rows)


HANDLERS: dict[type[Event], Handler] = {
    e.InstitutionRegistered: statement(
        e.InstitutionRegistered,
        "INSERT INTO ledger.institutions VALUES (%(institution_id)s, %(name)s, %(timezone)s)"
        " ON CONFLICT (institution_id) DO UPDATE SET name = EXCLUDED.name,"
        " timezone = EXCLUDED.timezone",
    ),
    e.CommitteeMemberAppointed: statement(
        e.CommitteeMemberAppointed,
        "INSERT INTO ledger.committee VALUES (%(owner)s, %(person_id)s, %(name)s)"
        " ON CONFLICT DO NOTHING",
    ),
    e.CommitteeMemberRemoved: statement(
        e.CommitteeMemberRemoved,
        "DELETE FROM ledger.committee WHERE institution_id = %(owner)s"
        " AND person_id = %(person_id)s",
    ),
    e.GoalTemplateSet: statement(
        e.GoalTemplateSet,
        "INSERT INTO ledger.goal_templates VALUES (%(owner)s, %(year)s, %(goals)s)"
        " ON CONFLICT (institution_id, year) DO UPDATE SET goals = EXCLUDED.goals",
    ),
    e.BranchRegistered: statement(
        e.BranchRegistered,
        "INSERT INTO ledger.branches VALUES (%(branch_id)s, %(institution_id)s, %(name)s)"
        " ON CONFLICT DO NOTHING",
    ),
    e.GroupFormed: statement(
        e.GroupFormed,
        "INSERT INTO ledger.groups VALUES (%(owner)s, %(group_id)s, %(name)s)"
        " ON CONFLICT DO NOTHING",
    ),
    e.MemberJoined: statement(
        e.MemberJoined,
        "INSERT INTO ledger.members VALUES (%(owner)s, %(member_id)s, %(name)s, %(group_id)s,"
        " %(email)s, true) ON CONFLICT (branch_id, member_id) DO UPDATE SET name = EXCLUDED.name,"
        " group_id = EXCLUDED.group_id, email = EXCLUDED.email, active = true;"
        " INSERT INTO ledger.memberships VALUES (%(owner)s, %(member_id)s, %(at)s, %(joined_on)s,"
        " NULL) ON CONFLICT DO NOTHING",
    ),
    e.MemberMoved: statement(
        e.MemberMoved,
        "UPDATE ledger.members SET group_id = %(group_id)s"
        " WHERE branch_id = %(owner)s AND member_id = %(member_id)s",
    ),
    e.MemberLeft: statement(
        e.MemberLeft,
        "UPDATE ledger.members SET active = false"
        " WHERE branch_id = %(owner)s AND member_id = %(member_id)s;"
        " UPDATE ledger.memberships SET left_at = %(at)s"
        " WHERE branch_id = %(owner)s AND member_id = %(member_id)s AND left_at IS NULL",
    ),
    e.RoleGranted: statement(
        e.RoleGranted,
        "INSERT INTO ledger.roles VALUES (%(owner)s, %(member_id)s, %(role)s,"
        " coalesce(%(group_id)s, '')) ON CONFLICT DO NOTHING",
    ),
    e.RoleRevoked: statement(
        e.RoleRevoked,
        "DELETE FROM ledger.roles WHERE branch_id = %(owner)s AND member_id = %(member_id)s"
        " AND role = %(role)s AND group_id = coalesce(%(group_id)s, '')",
    ),
    e.GoalSetOpened: _goal_set_opened,
    e.GoalAdded: _goal_added,
    e.ResponsibilityAssigned: _responsibility,
    e.MeetingRequirementSet: statement(
        e.MeetingRequirementSet,
        "INSERT INTO ledger.meeting_requirements VALUES (%(owner)s, %(meeting_type)s,"
        " %(cadence)s, %(per_group)s) ON CONFLICT (branch_id, meeting_type) DO UPDATE"
        " SET cadence = EXCLUDED.cadence, per_group = EXCLUDED.per_group",
    ),
    e.MeetingHeld: _meeting_held,
    e.ReportFiled: statement(
        e.ReportFiled,
        "INSERT INTO ledger.reports VALUES (%(owner)s, %(report_id)s, %(title)s, %(kind)s,"
        " %(filed_on)s) ON CONFLICT DO NOTHING",
    ),
    e.LifeFileAttached: life_file,
    e.ArticlePosted: statement(
        e.ArticlePosted,
        "INSERT INTO ledger.articles VALUES (%(member_id)s, %(article_id)s, %(branch_id)s,"
        " %(title)s, %(link)s, %(posted_on)s, %(month)s, NULL, NULL) ON CONFLICT DO NOTHING",
    ),
    e.ArticleRecommended: statement(
        e.ArticleRecommended,
        "UPDATE ledger.articles SET recommended_by = %(recommended_by)s,"
        " recommended_note = %(note)s WHERE member_id = %(owner)s"
        " AND article_id = %(article_id)s",
    ),
    **REPLAYED_ITEM_HANDLERS,
}

# A branch's summary (queries/summaries.py) is kept under its stamp: every event of the branch
# moves it, but for those that change no figure a summary shows (and are the most frequent).
# Stamps and summaries are not among TABLES, which a rebuild empties: a rebuild moves every
# stamp on from where it was, so no summary kept before a rebuild is shown after it.
_UNSUMMED = {
    e.ItemStarted.type,
    e.ProgressNoted.type,
    e.ArticleRecommended.type,
    e.AccountabilityRecorded.type,
    e.ItemFileAttached.type,
    e.LifeFileAttached.type,
}
_STAMP = (
    "INSERT INTO ledger.branch_stamps AS s VALUES (%s, 1)"
    " ON CONFLICT (branch_id) DO UPDATE SET stamp = s.stamp + 1"
)
_STAMP_ITEM = (
    "INSERT INTO ledger.branch_stamps AS s SELECT branch_id, 1 FROM ledger.items"
    " WHERE item_id = %s ON CONFLICT (branch_id) DO UPDATE SET stamp = s.stamp + 1"
)
# Where each category's events name their branch (an institution's events move none).
_BRANCH_OF: dict[str, Callable[[StoredEvent], str]] = {
    "branch": owner_of,
    "orglife": owner_of,
    "goals": lambda event: owner_of(event).rsplit(".", 1)[0],
    "study": lambda event: e.ArticlePosted.of(event).branch_id,
}


def _stamping(handler: Handler) -> Handler:
    @functools.wraps(handler)
    def handle(cur: Cursor, event: StoredEvent) -> None:
        handler(cur, event)
        if event.type in _UNSUMMED:
            return
        category = category_of(event.stream_id)
        if category == "item":
            cur.execute(_STAMP_ITEM, (owner_of(event),))
        elif category in _BRANCH_OF:
            cur.execute(_STAMP, (_BRANCH_OF[category](event),))

    return handle


def _rebuilt(cur: Cursor) -> None:
    rebuilt(cur, "ledger")
    cur.execute(
        "INSERT INTO ledger.branch_stamps AS s SELECT branch_id, 1 FROM ledger.branches"
        " ON CONFLICT (branch_id) DO UPDATE SET stamp = s.stamp + 1"
    )


PROJECTION = Projection(
    name="ledger",
    categories=("institution", "branch", "goals", "item", "orglife", "study"),
    schema_sql=SCHEMA_SQL,
    tables=TABLES,
    handlers={
        name: _stamping(handler) for name, handler in by_type({**HANDLERS, **ITEM_HANDLERS}).items()
    },
    # A rebuild counts the cells, records each item's last change and moves the stamps once,
    # at the end, not event by event.
    replay_handlers=HANDLERS,
    rebuilt=_rebuilt,
    # A cell whose occurrences all moved to others keeps its zeros live; a rebuild counts none.
    remade={"ledger.measure_cells": "occurrences <> 0 OR done <> 0"},
    # 2: the members' spells (ledger.memberships), which earlier admissions must fill; 3: the
    # measure counters (ledger.measure_cells), which every earlier item event counts in
    version=3,
)
