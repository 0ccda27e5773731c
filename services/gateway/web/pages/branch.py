"""The branch's pages for who runs it: the dashboard with its charts, planning an item,
recording a meeting, and the exports (group leaders plan and record for their group too)."""

from __future__ import annotations

from datetime import date
from typing import Any

from werkzeug.wrappers import Response

from services.common import periods
from services.common.labels import CADENCE, KIND, LEVEL, MEETING_TYPE, REVIEW

from ...errors import HttpError
from ..page import Page
from . import charts, items

EXPORTS = {"csv": "export_csv", "xlsx": "export_xlsx"}


def dashboard(page: Page, branch_id: str) -> Response:
    year = date.today().year
    view = page.api("dashboard", {"year": year}, branch_id=branch_id)
    study = page.api("study_log", branch_id=branch_id, year=year)
    month = view["today"][:7]
    return page.render(
        "dashboard.html",
        branch_id=branch_id,
        branch=page.api("branch", branch_id=branch_id),
        view=view,
        study=study,
        month=month,
        names=page.names(branch_id),
        groups=page.groups(branch_id),
        charts={
            "completion": charts.completion(view["completion"]),
            "meetings": charts.meetings(view["meetings"]),
            "goals": charts.goals(view["goals"]),
        },
    )


def plan_form(page: Page, branch_id: str) -> Response:
    """The form offers what the caller may plan: who runs the branch, anything; a group leader,
    their group's items and its members' (`?group=` narrows the owners to one group)."""
    branch = page.api("branch", branch_id=branch_id)
    goals = page.api("goal_set", branch_id=branch_id, year=date.today().year)["goals"]
    runs = page.runs(branch_id)
    groups = [g for g in branch["groups"] if runs or g["group_id"] in page.led_groups(branch_id)]
    group_id = page.request.args.get("group")
    owners = branch["members"]
    if group_id or not runs:
        within = {m for g in groups if group_id in (None, g["group_id"]) for m in g["members"]}
        owners = [m for m in owners if m["member_id"] in within]
    return page.render(
        "plan.html",
        branch_id=branch_id,
        branch=branch,
        groups=groups,
        owners=owners,
        goals=goals,
        levels=LEVEL if runs else {k: v for k, v in LEVEL.items() if k != "branch"},
        kinds={k: v for k, v in KIND.items() if k != "rectification"},
        cadences={code: CADENCE[code] for code in periods.CADENCES},  # daily is no more planned
        reviews=REVIEW,
        chosen=page.request.args,
    )


def plan(page: Page, branch_id: str) -> Response:
    form = page.form
    fields: dict[str, Any] = {
        name: form.get(name, "") for name in ("level", "kind", "cadence", "title")
    }
    for name in ("description", "owner_id", "group_id", "goal_id", "due_date", "due_day"):
        if form.get(name, "").strip():
            fields[name] = form[name].strip()
    if fields["cadence"] == periods.ROUTINE:  # the form's review period is a routine item's
        fields["review"] = form.get("review") or periods.DEFAULT_REVIEW
    return page.perform("plan_item", fields, branch_id=branch_id)


def meeting_form(page: Page, branch_id: str) -> Response:
    """A meeting of the branch, or of a group (`?group=`; a group leader who does not run the
    branch records their group's meetings only)."""
    branch = page.api("branch", branch_id=branch_id)
    runs, led = page.runs(branch_id), page.led_groups(branch_id)
    group_id = page.request.args.get("group") or (None if runs else next(iter(led), None))
    group = next((g for g in branch["groups"] if g["group_id"] == group_id), None)
    people = group["members"] if group else [m["member_id"] for m in branch["members"]]
    return page.render(
        "meeting.html",
        branch_id=branch_id,
        branch=branch,
        group=group,
        people=people,
        names=page.names(branch_id),
        types=MEETING_TYPE if runs else {"group_meeting": MEETING_TYPE["group_meeting"]},
    )


def record_meeting(page: Page, branch_id: str) -> Response:
    form = page.form
    attendance = {
        name[4:]: value for name, value in form.items() if name.startswith("att_") and value
    }
    fields = {
        "meeting_type": form.get("meeting_type", ""),
        "held_on": form.get("held_on", ""),
        "title": form.get("title", ""),
        "attendance": attendance,
        "group_id": form.get("group_id") or None,
    }
    if form.get("minutes", "").strip():
        fields["minutes"] = form["minutes"]
    return page.perform("record_meeting", fields | _particulars(form), branch_id=branch_id)


def _particulars(form) -> dict[str, Any]:
    """What the form names for the meeting's type: a party lecture's lecturer (a member chosen,
    else a name written), an activity day's partner and place; the rest of the form's fields
    belong to other types and are not sent."""
    given = {name: form.get(name, "").strip() for name in ("lecturer_member_id", "lecturer_name")}
    kind = form.get("meeting_type")
    if kind == "party_lecture":
        member, name = given["lecturer_member_id"], given["lecturer_name"]
        lecturer = {"member_id": member} if member else {"name": name} if name else None
        return {"lecturer": lecturer}
    if kind == "activity_day":
        return {name: form.get(name, "").strip() or None for name in ("partner", "place")}
    return {}


def export(page: Page, branch_id: str, fmt: str) -> Response:
    if fmt not in EXPORTS:
        raise HttpError(404, "not_found", "no such export")
    return page.api(EXPORTS[fmt], items.chosen(page, branch_id), branch_id=branch_id)


def export_meetings(page: Page, branch_id: str, fmt: str) -> Response:
    if fmt not in EXPORTS:
        raise HttpError(404, "not_found", "no such export")
    year = {"year": date.today().year}
    return page.api(f"export_meetings_{fmt}", year, branch_id=branch_id)


def export_results(page: Page, branch_id: str, cycle_id: str, fmt: str) -> Response:
    if fmt not in EXPORTS:
        raise HttpError(404, "not_found", "no such export")
    name = f"export_results_{fmt}"
    return page.api(name, branch_id=branch_id, cycle_id=cycle_id)


def export_archive(page: Page, branch_id: str, member_id: str, fmt: str) -> Response:
    if fmt not in EXPORTS:
        raise HttpError(404, "not_found", "no such export")
    name = f"export_archive_{fmt}"
    return page.api(name, branch_id=branch_id, member_id=member_id)
