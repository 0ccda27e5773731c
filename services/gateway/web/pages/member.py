"""A member's own pages: 我的台账 (their occurrences, acted on), 学习, 消息."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Response

from ..page import Page

INBOX_SHOWN = 50


def ledger(page: Page, branch_id: str) -> Response:
    """This month's and the overdue occurrences of the caller, each with what can be done."""
    me = page.me()["person_id"]
    view = page.api("member_view", {"year": date.today().year}, branch_id=branch_id, member_id=me)
    month = view["today"][:7]
    open_now = [
        e
        for e in view["items"]
        if not e["overdue"] and e["status"] != "cancelled" and e["due_date"][:7] == month
    ]
    return page.render(
        "ledger.html",
        branch_id=branch_id,
        view=view,
        overdue=view["overdue"],
        this_month=open_now,
        month=month,
        names=page.names(branch_id),
        groups=page.groups(branch_id),
    )


def start(page: Page, item_id: str) -> Response:
    return page.perform("start_item", {"period": page.form.get("period", "")}, item_id=item_id)


def _evidence(page: Page) -> list[str]:
    """The evidence links a form lists, one after another (spaces or lines between them)."""
    return page.form.get("evidence", "").split()


def progress(page: Page, item_id: str) -> Response:
    fields = {"period": page.form.get("period", ""), "note": page.form.get("note", "")}
    fields["evidence"] = _evidence(page)
    return _with_file(page, "note_progress", fields, item_id)


def complete(page: Page, item_id: str) -> Response:
    fields = {"period": page.form.get("period", ""), "evidence": _evidence(page)}
    if page.form.get("note", "").strip():
        fields["note"] = page.form["note"]
    return _with_file(page, "complete_occurrence", fields, item_id)


def _with_file(page: Page, command: str, fields: dict[str, Any], item_id: str) -> Response:
    """An occurrence's note, and the file sent with it attached as its evidence, with the same
    note: the file is checked before the note is recorded, so a file refused records nothing."""
    if not page.sent_file():
        return page.perform(command, fields, item_id=item_id)

    def both() -> None:
        file = page.received_file()
        page.act(command, fields, item_id=item_id)
        attached = {"period": fields["period"], "note": fields.get("note", ""), **file}
        page.act("attach_item_file", attached, item_id=item_id)

    return page.performed(both)


def study(page: Page, branch_id: str) -> Response:
    """The month's articles of the caller (or, for who runs the branch, of a member they pick),
    the 1-5 count, and the branch's compliance for who runs it."""
    me = page.me()["person_id"]
    admin = page.runs(branch_id)
    member = page.request.args.get("member", me) if admin else me
    month = date.today().strftime("%Y-%m")
    found = page.api("articles", {"month": month}, branch_id=branch_id, member_id=member)
    log = page.api("study_log", branch_id=branch_id, year=date.today().year) if admin else None
    return page.render(
        "study.html",
        branch_id=branch_id,
        member=member,
        mine=member == me,
        admin=admin,
        month=month,
        articles=found["articles"],
        log=log,
        names=page.names(branch_id),
    )


def post_article(page: Page, branch_id: str) -> Response:
    fields = {
        "title": page.form.get("title", ""),
        "posted_on": page.form.get("posted_on") or date.today().isoformat(),
        "link": page.form.get("link") or None,
    }
    if page.form.get("text", "").strip():
        fields["text"] = page.form["text"]
    me = page.me()["person_id"]
    return page.perform("post_article", fields, branch_id=branch_id, member_id=me)


def recommend(page: Page, branch_id: str, member_id: str, article_id: str) -> Response:
    fields = {"note": page.form["note"]} if page.form.get("note", "").strip() else {}
    path = {"branch_id": branch_id, "member_id": member_id, "article_id": article_id}
    return page.perform("recommend_article", fields, **path)


# The page a reminder is about, by its rule (notify/domain): the item, the branch's study log,
# its organisational life, its appraisal.
ABOUT = {
    **dict.fromkeys(
        ("due_soon", "overdue", "overdue_urging", "overdue_supervision"), "/app/items/{subject_id}"
    ),
    "study_shortfall": "/app/b/{branch_id}/study",
    "meeting_due": "/app/b/{branch_id}/org-life",
    **dict.fromkeys(("appraisal_open", "appraisal_closing"), "/app/b/{branch_id}/appraisal"),
}


def inbox(page: Page) -> Response:
    found = page.api("inbox", {"limit": INBOX_SHOWN})
    for reminder in found["items"]:
        about = ABOUT.get(reminder["rule"])
        reminder["href"] = about and about.format_map(
            {name: quote(reminder[name], safe="") for name in ("subject_id", "branch_id")}
        )
    return page.render("inbox.html", inbox=found)


def mark_read(page: Page, reminder_key: str) -> Response:
    return page.perform("mark_read", {}, reminder_key=reminder_key)
