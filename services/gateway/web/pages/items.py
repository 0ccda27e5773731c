"""The branch's ledger as a list, and one item's page: its occurrences, its history, and what its
owner (start, progress, complete) and its managers (cancel, reopen, reassign, move the due date,
each with its reason) can do there.

A manager's change is sent with If-Match: the version the page was read at. Of two people
changing one item from the same page, the second is refused (412 precondition_failed, shown in
Chinese) instead of overwriting what they never saw.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Response

from eventlog import Event
from services.common.labels import ACCOUNTABILITY_ACTION, KIND, LEVEL, STATUS, label
from services.common.roles import STATUSES
from services.common.written import cadence, day, period, size
from services.ledger import events as le

from ..page import Page

SHOWN = 50  # entries a page of the list shows
LIST_ARGS = ("year", "level", "kind", "status", "group_id", "owner_id")  # the list's address
# The list's status filter: the ledger's statuses, and overdue (which the ledger computes).
STATUS_CHOICES = {code: STATUS[code] for code in (*STATUSES, "overdue")}


def chosen(page: Page, branch_id: str) -> dict[str, Any]:
    """The list's filters from the address, as the API's query names them; what is not one of
    the branch's groups, members or the labels' codes is left out (never a 422 for a link)."""
    args, branch = page.request.args, page.api("branch", branch_id=branch_id)
    people = {m["member_id"] for m in branch["members"]}
    people |= {m["member_id"] for m in branch.get("former_members", ())}
    known = {"level": LEVEL, "kind": KIND, "group_id": page.groups(branch_id), "owner_id": people}
    given = {name: args.get(name) for name, among in known.items() if args.get(name) in among}
    status = args.get("status")
    if status == "overdue":
        given["overdue"] = "true"
    elif status in STATUS_CHOICES:
        given["status"] = status
    year = _year(args.get("year", ""))
    if year is not None:
        given |= {"due_from": f"{year}-01-01", "due_to": f"{year}-12-31"}
    return {name: value for name, value in given.items() if value}


def _year(given: str) -> int | None:
    """The year whose entries are listed (by due date): this one unless another is asked for;
    None for every year (`all`: what is overdue from last year is overdue still)."""
    if given == "all":
        return None
    return int(given) if given.isdigit() and 2000 <= int(given) <= 2100 else date.today().year


def _offset(given: str) -> int:
    return int(given) if given.isdigit() and len(given) < 7 else 0


def ledger_list(page: Page, branch_id: str) -> Response:
    """支部台账: every entry of the year that matches the filters, a page at a time."""
    query = chosen(page, branch_id)
    offset = _offset(page.request.args.get("offset", ""))
    asked = {**query, "limit": SHOWN, "offset": offset}
    found = page.api("list_entries", asked, branch_id=branch_id)
    kept = {k: v for k, v in page.request.args.items() if k in LIST_ARGS and v}
    this = date.today().year
    return page.render(
        "items.html",
        branch_id=branch_id,
        branch=page.api("branch", branch_id=branch_id),
        found=found,
        query=query,
        args=page.request.args,
        request_query=urlencode(kept),
        page_query=lambda at: urlencode({**kept, "offset": max(at, 0)}),
        year=page.request.args.get("year") if "due_from" not in query else query["due_from"][:4],
        years=range(this + 1, this - 4, -1),
        offset=offset,
        shown=SHOWN,
        levels=LEVEL,
        kinds=KIND,
        statuses=STATUS_CHOICES,
        names=page.names(branch_id),
        groups=page.groups(branch_id),
        runs=page.runs(branch_id),
    )


def item(page: Page, item_id: str) -> Response:
    found = page.api("item", item_id=item_id)
    branch_id = found["branch_id"]
    for occurrence in found["occurrences"]:
        occurrence.update(item_id=item_id, cadence=found["cadence"])
    names, groups = page.names(branch_id), page.groups(branch_id)
    manages = page.manages(found)
    mine = found["owner_id"] == page.me()["person_id"]
    return page.render(
        "item.html",
        branch_id=branch_id,
        item=found,
        history=history(page.api("item_history", item_id=item_id)["events"], names, groups),
        names=names,
        groups=groups,
        goal=_goal(page, found),
        manages=manages,
        works=mine or manages,
        owners=_owners(page, found) if manages else [],
        supervises=page.supervises(branch_id),
        actions=ACCOUNTABILITY_ACTION,
    )


def _goal(page: Page, found: dict[str, Any]) -> str:
    """The title of the 8+X goal the item serves ("" for none)."""
    if not found["goal_id"]:
        return ""
    first = found["occurrences"][0]["due_date"] if found["occurrences"] else None
    year = int(first[:4]) if first else date.today().year
    goals = page.api("goal_set", branch_id=found["branch_id"], year=year)["goals"]
    return next((g["title"] for g in goals if g["goal_id"] == found["goal_id"]), "")


def _owners(page: Page, found: dict[str, Any]) -> list[dict[str, Any]]:
    """Whom the item may be given to: a member item stays in its group (the ledger's rule)."""
    members = page.api("branch", branch_id=found["branch_id"])["members"]
    if found["level"] == "member":
        members = [m for m in members if m["group_id"] == found["group_id"]]
    return [m for m in members if m["member_id"] != found["owner_id"]]


def history(events: list[dict], names: dict[str, str], groups: dict[str, str]) -> list[dict]:
    """Each event of the item as a person reads it: when, who (by name), what, and its details.
    The item's history answers its events as the log holds them: each is read through the
    ledger's definition of its type."""
    rows = []
    for event in reversed(events):  # the newest first: what a person asks about is the latest
        change = le.EVENTS.typed(event["type"], event["data"])
        rows.append(
            {
                "at": event["occurred_at"],
                "who": names.get(event["actor_id"], "（已离开）") if event["actor_id"] else "系统",
                "what": label("item_event", event["type"]),
                "details": _details(change, names, groups),
                "evidence": _evidence(change),
            }
        )
    return rows


def _details(change: Event | None, names: dict[str, str], groups: dict[str, str]) -> list[str]:
    match change:
        case le.ItemPlanned() as plan:
            return _planned(plan, names, groups)
        case le.ItemReassigned(owner_id=owner, reason=reason):
            return [f"改由{names.get(owner, '（已离开）')}负责", *_reason(reason)]
        case le.DueDateChanged(due_date=due_date, due_day=due_day, reason=reason):
            moved = f"完成时限改为{day(due_date)}" if due_date else f"每期截止日改为{due_day}日"
            return [moved, *_reason(reason)]
        case le.ProgressNoted(period=key, note=note) | le.ItemCompleted(period=key, note=note):
            return _lines(_occurrence(key), note and f"说明：{note}")
        case (
            le.ItemCancelled(period=key, reason=reason) | le.ItemReopened(period=key, reason=reason)
        ):
            return _lines(_occurrence(key), *_reason(reason))
        case le.ItemStarted(period=key):
            return _lines(_occurrence(key))
        case le.AccountabilityRecorded(period=key, action=action, taken_on=taken_on, note=note):
            measure = f"措施：{label('accountability_action', action)}（{day(taken_on)}）"
            return _lines(_occurrence(key), measure, note and f"说明：{note}")
        case le.ItemFileAttached(period=key, name=name, size=count, note=note):
            where = _occurrence(key) if key else ""
            return _lines(where, f"附件：{name}（{size(count)}）", note and f"说明：{note}")
    return []


def _evidence(change: Event | None) -> list[str]:
    match change:
        case le.ProgressNoted(evidence=links) | le.ItemCompleted(evidence=links):
            return links
    return []


def _lines(*texts: str) -> list[str]:
    return [text for text in texts if text]


def _occurrence(key: str | None) -> str:
    """Which occurrence an event is about: its period, or the whole item (None)."""
    if key is None:
        return "整项事项"
    return period(key) and f"期次：{period(key)}"


def _reason(reason: str) -> list[str]:
    return [f"原因：{reason}"] if reason else []


def _planned(plan: le.ItemPlanned, names: dict[str, str], groups: dict[str, str]) -> list[str]:
    how_often = cadence(plan.cadence, plan.review)
    kinds = " · ".join((label("level", plan.level), label("kind", plan.kind), how_often))
    if plan.due_date:
        due = f"完成时限：{day(plan.due_date)}"
    else:
        due = f"每期截止日：{plan.due_day}日" if plan.due_day else "每期期末前完成"
    who = names.get(plan.owner_id, "（已离开）") if plan.owner_id else ""
    group = groups.get(plan.group_id, "") if plan.group_id else ""
    return _lines(plan.title, kinds, due, who and f"责任人：{who}", group and f"党小组：{group}")


def attach(page: Page, item_id: str) -> Response:
    """A file for the item, or for one occurrence as its evidence (the form's `period`)."""
    fields = {"period": _period(page), "note": page.form.get("note", "")}
    return page.attach("attach_item_file", fields, item_id=item_id)


def file(page: Page, item_id: str, attachment_id: str) -> Response:
    return page.api("item_file", item_id=item_id, attachment_id=attachment_id)


def _if_match(page: Page) -> str:
    """The item's version the form's page was read at, as an ETag: a form without one is
    refused by the API (never sent without the precondition)."""
    return f'"{page.form.get("version", "")}"'


def _period(page: Page) -> str | None:
    """The occurrence a form names, or None for the whole item."""
    return page.form.get("period") or None


def cancel(page: Page, item_id: str) -> Response:
    fields = {"period": _period(page), "reason": page.form.get("reason", "")}
    return page.perform("cancel_item", fields, _if_match(page), item_id=item_id)


def reopen(page: Page, item_id: str) -> Response:
    fields = {"period": _period(page), "reason": page.form.get("reason", "")}
    return page.perform("reopen_item", fields, _if_match(page), item_id=item_id)


def reassign(page: Page, item_id: str) -> Response:
    fields = {"owner_id": page.form.get("owner_id", ""), "reason": page.form.get("reason", "")}
    return page.perform("reassign_item", fields, _if_match(page), item_id=item_id)


def accountability(page: Page, item_id: str) -> Response:
    form = page.form
    fields = {name: form.get(name, "") for name in ("period", "action")}
    for name in ("note", "taken_on"):
        if form.get(name, "").strip():
            fields[name] = form[name].strip()
    return page.perform("record_accountability", fields, item_id=item_id)


def change_due(page: Page, item_id: str) -> Response:
    form = page.form
    fields: dict[str, Any] = {"reason": form.get("reason", "")}
    for name in ("due_date", "due_day"):
        if form.get(name, "").strip():
            fields[name] = form[name].strip()
    return page.perform("change_due_date", fields, _if_match(page), item_id=item_id)
