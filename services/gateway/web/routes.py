"""Every page and form of the web app: its URL under /app/ and the function that answers it."""

from __future__ import annotations

from .app import Route
from .pages import account, appraisal, branch, goals, group, institution, items, life, member

B = "/b/<branch_id>"
CYCLE = B + "/appraisal/<cycle_id>"

ROUTES = [
    Route("login_form", "GET", "/login", account.login_form, signed_in=False),
    Route("login", "POST", "/login", account.login, signed_in=False),
    Route("logout", "POST", "/logout", account.logout, signed_in=False),
    Route("password_form", "GET", "/password", account.password_form),
    Route("password", "POST", "/password", account.change_password),
    Route("home", "GET", "/", account.home),
    # a member's own
    Route("ledger", "GET", B + "/ledger", member.ledger),
    Route("start", "POST", "/items/<item_id>/start", member.start),
    Route("progress", "POST", "/items/<item_id>/progress", member.progress),
    Route("complete", "POST", "/items/<item_id>/complete", member.complete),
    Route("study", "GET", B + "/study", member.study),
    Route("post_article", "POST", B + "/study", member.post_article),
    Route(
        "recommend",
        "POST",
        B + "/members/<member_id>/articles/<article_id>/recommend",
        member.recommend,
    ),
    Route("inbox", "GET", "/inbox", member.inbox),
    Route("mark_read", "POST", "/inbox/<reminder_key>/read", member.mark_read),
    # appraisal
    Route("appraisal", "GET", B + "/appraisal", appraisal.overview),
    Route("open_cycle", "POST", B + "/appraisal", appraisal.open_cycle),
    Route("self_review", "POST", CYCLE + "/self", appraisal.self_review),
    Route("peer_form", "GET", CYCLE + "/peer/<reviewee_id>", appraisal.peer_form, anonymous=True),
    Route(
        "peer_review", "POST", CYCLE + "/peer/<reviewee_id>", appraisal.peer_review, anonymous=True
    ),
    Route("comment_form", "GET", CYCLE + "/comment/<member_id>", appraisal.comment_form),
    Route("comment", "POST", CYCLE + "/comment/<member_id>", appraisal.leader_comment),
    Route("reopen_review", "POST", CYCLE + "/reopen", appraisal.reopen),
    Route("finalise", "POST", CYCLE + "/finalise", appraisal.finalise),
    Route("results_export", "GET", CYCLE + "/results.<fmt>", branch.export_results),
    Route("archive", "GET", B + "/archive", appraisal.archive),
    Route("archive_export", "GET", B + "/archive/<member_id>.<fmt>", branch.export_archive),
    # the ledger's items: the list, one item's page, and its managers' changes
    Route("items", "GET", B + "/items", items.ledger_list),
    Route("item", "GET", "/items/<item_id>", items.item),
    Route("cancel", "POST", "/items/<item_id>/cancel", items.cancel),
    Route("reopen", "POST", "/items/<item_id>/reopen", items.reopen),
    Route("reassign", "POST", "/items/<item_id>/reassign", items.reassign),
    Route("due_date", "POST", "/items/<item_id>/due-date", items.change_due),
    Route("accountability", "POST", "/items/<item_id>/accountability", items.accountability),
    Route("attach_item", "POST", "/items/<item_id>/files", items.attach),
    Route("item_file", "GET", "/items/<item_id>/files/<attachment_id>", items.file),
    # the branch and its groups
    Route("dashboard", "GET", B + "/dashboard", branch.dashboard),
    Route("plan_form", "GET", B + "/plan", branch.plan_form),
    Route("plan", "POST", B + "/plan", branch.plan),
    Route("meeting_form", "GET", B + "/meetings", branch.meeting_form),
    Route("meeting", "POST", B + "/meetings", branch.record_meeting),
    Route("meeting_record", "GET", B + "/meetings/<meeting_id>", life.meeting),
    Route("attach_meeting", "POST", B + "/meetings/<meeting_id>/files", life.attach_to_meeting),
    Route(
        "meeting_file", "GET", B + "/meetings/<meeting_id>/files/<attachment_id>", life.meeting_file
    ),
    Route("file_report", "POST", B + "/reports", life.file_report),
    Route("attach_report", "POST", B + "/reports/<report_id>/files", life.attach_to_report),
    Route("report_file", "GET", B + "/reports/<report_id>/files/<attachment_id>", life.report_file),
    Route("org_life", "GET", B + "/org-life", life.org_life),
    Route("meetings_export", "GET", B + "/meetings.<fmt>", branch.export_meetings),
    Route("export", "GET", B + "/ledger.<fmt>", branch.export),
    Route("group", "GET", B + "/groups/<group_id>", group.group),
    Route("goals", "GET", B + "/goals", goals.goals),
    Route("add_goal", "POST", B + "/goals", goals.add),
    Route("open_goals", "POST", B + "/goals/open", goals.open_set),
    Route("responsibility", "POST", B + "/goals/<goal_id>/responsibility", goals.assign),
    # the institution
    Route("overview", "GET", "/i/<institution_id>", institution.overview),
]
