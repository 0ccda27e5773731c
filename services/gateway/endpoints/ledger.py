"""The ledger's capabilities over HTTP: one row per RPC method (see services/ledger/service.py).

Requests are validated with the ledger's own schemas, less the actor and the path's parameters.
"""

from __future__ import annotations

from services.ledger.schemas import commands as cs
from services.ledger.schemas import queries as qs

from ..access import (
    admin_user,
    branch_admin,
    committee,
    group_leader,
    item_manager,
    item_owner,
    reader,
    supervisor,
    the_member,
)
from ..schemas import responses as r
from .base import command, query

B = "/branches/{branch_id}"
I = "/institutions/{institution_id}"  # noqa: E741
M = B + "/members/{member_id}"
ITEM = "/items/{item_id}"

COMMANDS = [
    command(
        "register_institution",
        "/institutions",
        admin_user,
        cs.RegisterInstitution,
        "Found an institution with its first committee (the caller among the founders)",
    ),
    command(
        "appoint_committee_member",
        I + "/committee",
        committee,
        cs.AppointCommitteeMember,
        "Appoint a person to the institution committee",
    ),
    command(
        "remove_committee_member",
        I + "/committee/{person_id}/remove",
        committee,
        cs.RemoveCommitteeMember,
        "Remove a person from the institution committee",
    ),
    command(
        "set_goal_template",
        I + "/goal-templates",
        committee,
        cs.SetGoalTemplate,
        "Set the year's 8 standard goals for every branch",
    ),
    command(
        "register_branch",
        I + "/branches",
        committee,
        cs.RegisterBranch,
        "Register a branch of the institution",
    ),
    command("form_group", B + "/groups", branch_admin, cs.FormGroup, "Form a group"),
    command("admit_member", B + "/members", branch_admin, cs.AdmitMember, "Admit a member"),
    command(
        "move_member", M + "/move", branch_admin, cs.MoveMember, "Move a member to another group"
    ),
    command(
        "remove_member",
        M + "/remove",
        branch_admin,
        cs.RemoveMember,
        "Remove a member from the branch",
    ),
    command("grant_role", M + "/roles", branch_admin, cs.GrantRole, "Grant a role"),
    command("revoke_role", M + "/roles/revoke", branch_admin, cs.RevokeRole, "Revoke a role"),
    command(
        "open_goal_set",
        B + "/goal-sets",
        branch_admin,
        cs.OpenGoalSet,
        "Open the year's 8+X goal set from the institution's template",
    ),
    command(
        "add_goal",
        B + "/goal-sets/{year}/goals",
        branch_admin,
        cs.AddGoal,
        "Add one of the branch's own goals (the X)",
    ),
    command(
        "assign_responsibility",
        B + "/goal-sets/{year}/goals/{goal_id}/responsibility",
        branch_admin,
        cs.AssignResponsibility,
        "Assign a goal's four responsibility holders",
    ),
    command(
        "plan_item",
        B + "/items",
        group_leader,
        cs.PlanItem,
        "Plan a ledger item (group and member items: their group's leader)",
    ),
    command("start_item", ITEM + "/start", item_owner, cs.StartItem, "Start an occurrence"),
    command(
        "note_progress",
        ITEM + "/progress",
        item_owner,
        cs.NoteProgress,
        "Note progress on an occurrence, with evidence links",
    ),
    command(
        "complete_occurrence",
        ITEM + "/complete",
        item_owner,
        cs.CompleteOccurrence,
        "Complete an occurrence",
    ),
    command(
        "cancel_item",
        ITEM + "/cancel",
        item_manager,
        cs.CancelItem,
        "Cancel an occurrence, or the whole item without a period",
    ),
    command(
        "reopen_item",
        ITEM + "/reopen",
        item_manager,
        cs.ReopenItem,
        "Reopen a done or cancelled occurrence, or a cancelled item",
    ),
    command(
        "reassign_item",
        ITEM + "/reassign",
        item_manager,
        cs.ReassignItem,
        "Give the item to another owner",
    ),
    command(
        "change_due_date",
        ITEM + "/due-date",
        item_manager,
        cs.ChangeDueDate,
        "Change the due date (one-off) or due day (recurring)",
    ),
    command(
        "record_accountability",
        ITEM + "/accountability",
        supervisor,
        cs.RecordAccountability,
        "Record what was done about an overdue occurrence: the action taken, when, a note",
    ),
    command(
        "set_meeting_requirement",
        B + "/meeting-requirements",
        branch_admin,
        cs.SetMeetingRequirement,
        "Set how often a kind of meeting is due",
    ),
    command(
        "record_meeting",
        B + "/meetings",
        group_leader,
        cs.RecordMeeting,
        "Record a meeting held, with minutes and attendance (group meetings: their leader)",
    ),
    command("file_report", B + "/reports", branch_admin, cs.FileReport, "File a report"),
    command(
        "post_article",
        M + "/articles",
        the_member,
        cs.PostArticle,
        "Post a study article (1–5 a month)",
    ),
    command(
        "recommend_article",
        M + "/articles/{article_id}/recommend",
        branch_admin,
        cs.RecommendArticle,
        "Recommend a member's article upward",
    ),
]

QUERIES = [
    query(
        "institution",
        I,
        reader,
        qs.InstitutionQuery,
        r.Institution(),
        "The institution: committee, branches, goal templates",
    ),
    query("branch", B, reader, qs.BranchQuery, r.Branch(), "The branch: groups, members, roles"),
    query(
        "goal_set",
        B + "/goal-sets/{year}",
        reader,
        qs.YearQuery,
        r.GoalSet(),
        "The year's 8+X goals with their progress",
    ),
    query("item", ITEM, reader, qs.ItemQuery, r.Item(), "One item with its occurrences"),
    query(
        "item_history",
        ITEM + "/history",
        reader,
        qs.ItemQuery,
        r.ItemHistory(),
        "Every change of the item: who did what, when",
    ),
    query(
        "org_life",
        B + "/org-life/{year}",
        reader,
        qs.YearQuery,
        r.OrgLife(),
        "Meetings required vs held per period, with attendance",
    ),
    query(
        "meeting",
        B + "/meetings/{meeting_id}",
        reader,
        qs.MeetingQuery,
        r.Meeting(),
        "One meeting with its minutes and attendance",
    ),
    query(
        "reports_count",
        B + "/reports",
        reader,
        qs.BranchQuery,
        r.Reports(),
        "Reports filed per year and kind",
    ),
    query(
        "study_log",
        B + "/study/{year}",
        reader,
        qs.StudyLogQuery,
        r.StudyLog(),
        "Articles per member and month, with the 1–5 rule",
    ),
    query(
        "articles",
        M + "/articles",
        reader,
        qs.ArticlesQuery,
        r.Articles(),
        "A member's articles of a month",
    ),
    query(
        "member_measures",
        M + "/measures",
        reader,
        qs.MeasuresQuery,
        r.Measures(),
        "A member's measured record over a window: ledger, study, attendance",
    ),
]

ENDPOINTS = COMMANDS + QUERIES
