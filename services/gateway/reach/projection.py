"""The reach read model (tables in schema `gateway`): the institutions' committees, the branches
and their institutions, members and their roles, items with their place and owner, and the
branch of each appraisal cycle, from the ledger's and the appraisal's streams.

Each table is keyed by what its stream owns (an institution's committee, a branch's members, an
item), so that events of different streams may be applied in any order, as the bus delivers them.
"""

from __future__ import annotations

from pathlib import Path

from eventlog import Projection, statement
from services.appraisal import events as ae
from services.ledger import events as le

SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text()
HANDLERS = {
    le.CommitteeMemberAppointed: statement(
        le.CommitteeMemberAppointed,
        "INSERT INTO gateway.committee VALUES (%(person_id)s, %(owner)s) ON CONFLICT DO NOTHING",
    ),
    le.CommitteeMemberRemoved: statement(
        le.CommitteeMemberRemoved,
        "DELETE FROM gateway.committee WHERE person_id = %(person_id)s"
        " AND institution_id = %(owner)s",
    ),
    le.BranchRegistered: statement(
        le.BranchRegistered,
        "INSERT INTO gateway.branches VALUES (%(branch_id)s, %(institution_id)s)"
        " ON CONFLICT DO NOTHING",
    ),
    le.MemberJoined: statement(
        le.MemberJoined,
        "INSERT INTO gateway.members VALUES (%(member_id)s, %(owner)s, %(name)s, %(group_id)s,"
        " true) ON CONFLICT (member_id, branch_id) DO UPDATE SET name = EXCLUDED.name,"
        " group_id = EXCLUDED.group_id, active = true",
    ),
    le.MemberMoved: statement(
        le.MemberMoved,
        "UPDATE gateway.members SET group_id = %(group_id)s"
        " WHERE member_id = %(member_id)s AND branch_id = %(owner)s",
    ),
    le.MemberLeft: statement(
        le.MemberLeft,
        "UPDATE gateway.members SET active = false"
        " WHERE member_id = %(member_id)s AND branch_id = %(owner)s",
    ),
    le.RoleGranted: statement(
        le.RoleGranted,
        "INSERT INTO gateway.roles VALUES (%(member_id)s, %(owner)s, %(role)s,"
        " coalesce(%(group_id)s, '')) ON CONFLICT DO NOTHING",
    ),
    le.RoleRevoked: statement(
        le.RoleRevoked,
        "DELETE FROM gateway.roles WHERE member_id = %(member_id)s AND branch_id = %(owner)s"
        " AND role = %(role)s AND group_id = coalesce(%(group_id)s, '')",
    ),
    le.ItemPlanned: statement(
        le.ItemPlanned,
        "INSERT INTO gateway.items VALUES (%(item_id)s, %(branch_id)s, %(level)s, %(group_id)s,"
        " %(owner_id)s) ON CONFLICT DO NOTHING",
    ),
    le.ItemReassigned: statement(
        le.ItemReassigned,
        "UPDATE gateway.items SET owner_id = %(owner_id)s WHERE item_id = %(owner)s",
    ),
    ae.CycleOpened: statement(
        ae.CycleOpened,
        "INSERT INTO gateway.appraisal_cycles VALUES (%(owner)s, %(branch_id)s)"
        " ON CONFLICT DO NOTHING",
    ),
}

PROJECTION = Projection(
    name="gateway_reach",
    categories=("institution", "branch", "item", "cycle"),
    schema_sql=SCHEMA_SQL,
    tables=(
        "gateway.committee",
        "gateway.branches",
        "gateway.members",
        "gateway.roles",
        "gateway.items",
        "gateway.appraisal_cycles",
    ),
    handlers=HANDLERS,
    # Who may act where changes with none of these: names of institutions and groups, goal
    # templates, an item's work, dates, accountability and files, and a cycle's reviews and
    # results.
    ignored=(
        le.InstitutionRegistered,
        le.GoalTemplateSet,
        le.GroupFormed,
        le.ItemStarted,
        le.ProgressNoted,
        le.ItemCompleted,
        le.ItemCancelled,
        le.ItemReopened,
        le.DueDateChanged,
        le.AccountabilityRecorded,
        le.ItemFileAttached,
        ae.SelfReviewSubmitted,
        ae.PeerReviewSubmitted,
        ae.LeaderCommentSubmitted,
        ae.RectificationRaised,
        ae.ReviewReopened,
        ae.MeasuresRecorded,
        ae.CycleFinalised,
    ),
)
