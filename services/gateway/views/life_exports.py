"""The year's meetings held as a file (CSV or XLSX), in Chinese: the record of organisational life
a branch sends up, one row a meeting, with a party lecture's lecturer and an activity day's
partner organisation and place; the ids after the names (exports.py says why)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from werkzeug.wrappers import Response

from services.common.labels import label

from .exports import Directory, directory
from .sheets import Rows, csv_file, xlsx_file

COLUMNS = (
    "序号",
    "召开日期",
    "会议类型",
    "主题",
    "党小组",
    "授课人",
    "联建单位",
    "地点",
    "出席",
    "请假",
    "缺席",
    "记录人",
    "会议编号",
    "授课人编号",  # a member's id; empty for a lecturer from outside the branch
    "记录人编号",
)
SHEET = "会议记录"


def lecturer(meeting: Mapping[str, Any], names: Directory) -> str:
    """A member by name; someone from outside the branch by the name recorded."""
    given = meeting.get("lecturer") or {}
    if given.get("member_id"):
        return names.member(given["member_id"])
    return f"{given['name']}（支部外）" if given.get("name") else ""


def meeting_rows(meetings: list[Mapping[str, Any]], names: Directory) -> Rows:
    return [
        [
            number,
            date.fromisoformat(m["held_on"]),
            label("meeting_type", m["meeting_type"]),
            m["title"],
            names.group(m.get("group_id")),
            lecturer(m, names),
            m.get("partner") or "",
            m.get("place") or "",
            m["present"],
            m["on_leave"],
            m["absent"],
            names.member(m.get("recorded_by")),
            m["meeting_id"],
            (m.get("lecturer") or {}).get("member_id"),
            m.get("recorded_by"),
        ]
        for number, m in enumerate(meetings, start=1)
    ]


def _meetings(ctx, actor_id: str, branch_id: str, year: int) -> tuple[Rows, str]:
    names = directory(ctx, actor_id, branch_id)
    found = ctx.rpc("ledger").org_life(actor_id=actor_id, branch_id=branch_id, year=year)
    return meeting_rows(found["meetings"], names), f"{names.name}{year}年{SHEET}"


def meetings_csv(ctx, actor_id: str, branch_id: str, year: int) -> Response:
    rows, name = _meetings(ctx, actor_id, branch_id, year)
    return csv_file(COLUMNS, rows, f"{name}.csv", f"meetings-{branch_id}-{year}.csv")


def meetings_xlsx(ctx, actor_id: str, branch_id: str, year: int) -> Response:
    rows, name = _meetings(ctx, actor_id, branch_id, year)
    return xlsx_file([(SHEET, COLUMNS, rows)], f"{name}.xlsx", f"meetings-{branch_id}-{year}.xlsx")
