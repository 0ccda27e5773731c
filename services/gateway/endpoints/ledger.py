"""The ledger's capabilities over HTTP: one row per RPC method (see services/ledger/service.py).

The commands are the ledger's command table (services/ledger/schemas/commands.py), each with its
route here; requests are validated with the ledger's own schemas, less the actor and the path's
parameters.
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
from ..schemas import attachments as files
from ..schemas import requests as q
from ..schemas import responses as r
from ..views import attachments
from .base import commands, query, route

B = "/branches/{branch_id}"
I = "/institutions/{institution_id}"  # noqa: E741
M = B + "/members/{member_id}"
ITEM = "/items/{item_id}"
MEETING = B + "/meetings/{meeting_id}"
REPORT = B + "/reports/{report_id}"
FILE = "/attachments/{attachment_id}"


def upload(path: str, rule, summary: str, call, schema=files.FileUpload):
    """An upload: multipart/form-data, the file as the part `file` (uploads.py), sent by a view
    that stores it before the ledger's command names it."""
    return route(path, rule, summary, call=call, schema=schema, upload=True, tag="attachments")


# Where each of the ledger's commands (its command table) is reached, and who may send it.
ROUTES = {
    "register_institution": route(
        "/institutions",
        admin_user,
        "Found an institution with its first committee (the caller among the founders)",
    ),
    "appoint_committee_member": route(
        I + "/committee", committee, "Appoint a person to the institution committee"
    ),
    "remove_committee_member": route(
        I + "/committee/{person_id}/remove",
        committee,
        "Remove a person from the institution committee",
    ),
    "set_goal_template": route(
        I + "/goal-templates", committee, "Set the year's 8 standard goals for every branch"
    ),
    "register_branch": route(I + "/branches", committee, "Register a branch of the institution"),
    "form_group": route(B + "/groups", branch_admin, "Form a group"),
    "admit_member": route(B + "/members", branch_admin, "Admit a member"),
    "move_member": route(M + "/move", branch_admin, "Move a member to another group"),
    "remove_member": route(M + "/remove", branch_admin, "Remove a member from the branch"),
    "grant_role": route(M + "/roles", branch_admin, "Grant a role"),
    "revoke_role": route(M + "/roles/revoke", branch_admin, "Revoke a role"),
    "open_goal_set": route(
        B + "/goal-sets",
        branch_admin,
        "Open the year's 8+X goal set from the institution's template",
    ),
    "add_goal": route(
        B + "/goal-sets/{year}/goals", branch_admin, "Add one of the branch's own goals (the X)"
    ),
    "assign_responsibility": route(
        B + "/goal-sets/{year}/goals/{goal_id}/responsibility",
        branch_admin,
        "Assign a goal's four responsibility holders",
    ),
    "plan_item": route(
        B + "/items",
        group_leader,
        "Plan a ledger item (group and member items: their group's leader)",
    ),
    "start_item": route(ITEM + "/start", item_owner, "Start an occurrence"),
    "note_progress": route(
        ITEM + "/progress", item_owner, "Note progress on an occurrence, with evidence links"
    ),
    "complete_occurrence": route(ITEM + "/complete", item_owner, "Complete an occurrence"),
    "cancel_item": route(
        ITEM + "/cancel",
        item_manager,
        "Cancel an occurrence, or the whole item without a period",
    ),
    "reopen_item": route(
        ITEM + "/reopen",
        item_manager,
        "Reopen a done or cancelled occurrence, or a cancelled item",
    ),
    "reassign_item": route(ITEM + "/reassign", item_manager, "Give the item to another owner"),
    "change_due_date": route(
        ITEM + "/due-date",
        item_manager,
        "Change the due date (one-off) or due day (recurring)",
    ),
    "record_accountability": route(
        ITEM + "/accountability",
        supervisor,
        "Record what was done about an overdue occurrence: the action taken, when, a note",
    ),
    "set_meeting_requirement": route(
        B + "/meeting-requirements", branch_admin, "Set how often a kind of meeting is due"
    ),
    "record_meeting": route(
        B + "/meetings",
        group_leader,
        "Record a meeting held, with minutes and attendance (group meetings: their leader)",
    ),
    "file_report": route(B + "/reports", branch_admin, "File a report"),
    "attach_item_file": upload(
        ITEM + "/attachments",
        item_owner,
        "Attach a file to the item, or to an occurrence as its evidence (multipart/form-data)",
        attachments.attach_to_item,
        files.ItemFileUpload,
    ),
    "attach_meeting_file": upload(
        MEETING + "/attachments",
        group_leader,
        "Attach a file to a meeting: its minutes, photos (group meetings: their leader)",
        attachments.attach_to_meeting,
    ),
    "attach_report_file": upload(
        REPORT + "/attachments",
        branch_admin,
        "Attach a file to a filed report: its document",
        attachments.attach_to_report,
    ),
    "post_article": route(M + "/articles", the_member, "Post a study article (1–5 a month)"),
    "recommend_article": route(
        M + "/articles/{article_id}/recommend",
        branch_admin,
        "Recommend a member's article upward",
    ),
}
COMMANDS = commands(cs.COMMANDS, ROUTES)

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
        MEETING,
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


def download(name: str, path: str, call, summary: str):
    """A file attached to a record, to anyone who may read the record."""
    return query(
        name, path, reader, q.NoQuery, None, summary, call=call, tag="attachments", content=BINARY
    )


BINARY = "application/octet-stream"  # for the description: each file goes with its own type
DOWNLOADS = [
    download("item_file", ITEM + FILE, attachments.item_file, "A file attached to the item"),
    download("meeting_file", MEETING + FILE, attachments.meeting_file, "A meeting's file"),
    download("report_file", REPORT + FILE, attachments.report_file, "A report's file"),
]

ENDPOINTS = COMMANDS + QUERIES + DOWNLOADS
