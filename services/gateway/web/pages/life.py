"""组织生活: the meetings each period required and whether they were held ("due but not held"
marked), the meetings held, and each meeting with its minutes and attendance by name."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any

from werkzeug.wrappers import Response

from services.common import written
from services.common.labels import REPORT_KIND
from services.common.schemas import new_id

from ...errors import HttpError
from ..page import KEY_FIELD, Page


def org_life(page: Page, branch_id: str) -> Response:
    """The year's calendar of required meetings (a group leader's `?group_id=`: their group's),
    and the meetings held, newest first."""
    year = date.today().year
    found = page.api("org_life", branch_id=branch_id, year=year)
    groups = page.groups(branch_id)
    group_id = page.request.args.get("group_id")
    group_id = group_id if group_id in groups else None
    slots = [s for s in found["slots"] if group_id is None or s["group_id"] == group_id]
    held = [m for m in found["meetings"] if group_id is None or m["group_id"] == group_id]
    return page.render(
        "org_life.html",
        branch_id=branch_id,
        branch=page.api("branch", branch_id=branch_id),
        year=year,
        group_id=group_id,
        rows=calendar(slots, year),
        missing=[s for s in slots if s["due_but_not_held"]],
        meetings=sorted(held, key=lambda m: (m["held_on"], m["meeting_id"]), reverse=True),
        reports=found["reports"],
        report_kinds=REPORT_KIND,
        runs=page.runs(branch_id),
        names=page.names(branch_id),
        groups=groups,
    )


def calendar(slots: list[dict[str, Any]], year: int) -> list[dict[str, Any]]:
    """One row per meeting type (and group, for those each group holds), its periods in order
    with their status, each period named short (1月, 第一季度, 上半年, 全年)."""
    ordered = sorted(slots, key=lambda s: (s["meeting_type"], s["group_id"] or ""))
    return [
        {
            "meeting_type": meeting_type,
            "group_id": group_id,
            "periods": [
                {**slot, "name": written.period(slot["period"]).removeprefix(f"{year}年") or "全年"}
                for slot in rows
            ],
        }
        for (meeting_type, group_id), rows in groupby(
            ordered, key=lambda s: (s["meeting_type"], s["group_id"])
        )
    ]


def meeting(page: Page, branch_id: str, meeting_id: str) -> Response:
    found = page.api("meeting", branch_id=branch_id, meeting_id=meeting_id)
    if not found.get("meeting_id"):
        raise HttpError(404, "not_found", "no such meeting")
    names = page.names(branch_id)
    attendance = [(names.get(p, "（已离开）"), s) for p, s in found["attendance"].items()]
    group_id = found["group_id"]
    records = page.runs(branch_id) or (
        group_id is not None and group_id in page.led_groups(branch_id)
    )
    return page.render(
        "meeting_record.html",
        branch_id=branch_id,
        meeting=found,
        attendance=sorted(attendance),
        names=names,
        groups=page.groups(branch_id),
        records=records,
    )


def attach_to_meeting(page: Page, branch_id: str, meeting_id: str) -> Response:
    """Minutes or photos for a meeting: who records it (its group's leader, who runs the branch)."""
    fields = {"note": page.form.get("note", "")}
    return page.attach("attach_meeting_file", fields, branch_id=branch_id, meeting_id=meeting_id)


def meeting_file(page: Page, branch_id: str, meeting_id: str, attachment_id: str) -> Response:
    path = {"branch_id": branch_id, "meeting_id": meeting_id, "attachment_id": attachment_id}
    return page.api("meeting_file", **path)


def file_report(page: Page, branch_id: str) -> Response:
    """A report filed (报送), and its document attached when the form sends one: the file is
    checked before the report is filed, so a file refused files nothing."""
    form = page.form
    report = {name: form.get(name, "") for name in ("title", "kind", "filed_on")}
    # The form's key names the report: the form sent again files it (and attaches to it) once.
    report["report_id"] = form.get(KEY_FIELD) or new_id()

    def filed() -> None:
        file = page.received_file() if page.sent_file() else {}
        page.act("file_report", report, branch_id=branch_id)
        if file:
            fields = {"note": form.get("note", ""), **file}
            path = {"branch_id": branch_id, "report_id": report["report_id"]}
            page.act("attach_report_file", fields, **path)

    return page.performed(filed)


def attach_to_report(page: Page, branch_id: str, report_id: str) -> Response:
    fields = {"note": page.form.get("note", "")}
    return page.attach("attach_report_file", fields, branch_id=branch_id, report_id=report_id)


def report_file(page: Page, branch_id: str, report_id: str, attachment_id: str) -> Response:
    path = {"branch_id": branch_id, "report_id": report_id, "attachment_id": attachment_id}
    return page.api("report_file", **path)
