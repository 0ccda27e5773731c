"""The filtered ledger as a file, laid out as branches keep their 台账: 序号 / 工作任务 / 类别 /
责任人 / 完成时限 / 完成情况 / 备注 (with what was done about it, if it fell overdue), one row
per occurrence, in Chinese and with names; then the ids beside them (the appraisal's files are
in appraisal_exports; the writing of files in sheets).

An item's level shows in who is responsible: a member's item names the member, a group's the
group, the branch's the branch (each with the person who owns it, when one does).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Response

from services.common.labels import label
from services.common.written import cadence, day, period

from .entries import every
from .sheets import Rows, csv_file, xlsx_file

LAYOUT = ("序号", "工作任务", "类别", "责任人", "完成时限", "完成情况", "备注")
# Two members may share a name: the ids a secretary matches rows to people and to the API by
# (an occurrence is its item and period key), after the layout so that it stays as kept.
IDS = ("事项编号", "期次", "责任人编号")
COLUMNS = (*LAYOUT, *IDS)
SHEET = "台账"


@dataclass(frozen=True)
class Directory:
    """A branch's names, of those who left it too: what a file shows in place of ids."""

    name: str
    timezone: str
    members: Mapping[str, str]
    groups: Mapping[str, str]
    member_groups: Mapping[str, str | None]  # member id → their group's id

    @classmethod
    def of(cls, branch: Mapping[str, Any]) -> Directory:
        return cls(
            branch["name"],
            branch["timezone"],
            # A ledger of the release before names no former members (a rolling upgrade).
            {
                m["member_id"]: m["name"]
                for m in [*branch.get("former_members", ()), *branch["members"]]
            },
            {g["group_id"]: g["name"] for g in branch["groups"]},
            {m["member_id"]: m["group_id"] for m in branch["members"]},
        )

    def member(self, member_id: str | None) -> str:
        """By name; by id only someone the branch never had (a service, say)."""
        return "" if not member_id else self.members.get(member_id, member_id)

    def group(self, group_id: str | None) -> str:
        return "" if not group_id else self.groups.get(group_id, "")

    def group_of(self, member_id: str) -> str:
        return self.group(self.member_groups.get(member_id))

    def local_day(self, moment: str | None) -> date | None:
        """A stored time (ISO, with its zone) as the branch's day."""
        if not moment:
            return None
        return datetime.fromisoformat(moment).astimezone(ZoneInfo(self.timezone)).date()


def directory(ctx, actor_id: str, branch_id: str) -> Directory:
    return Directory.of(ctx.rpc("ledger").branch(actor_id=actor_id, branch_id=branch_id))


def task(entry: Mapping[str, Any]) -> str:
    """The title, with the period for an occurrence of a recurring item."""
    when = period(entry["period"])
    return f"{entry['title']}（{when}）" if when else entry["title"]


def responsible(entry: Mapping[str, Any], names: Directory) -> str:
    person = names.member(entry.get("owner_id"))
    if entry["level"] == "member":
        return person
    unit = names.group(entry.get("group_id")) if entry["level"] == "group" else names.name
    return f"{unit}（{person}）" if person else unit


def progress(entry: Mapping[str, Any]) -> str:
    """完成情况: the state in words, with the day it was done."""
    status = entry["status"]
    if status == "done":
        # On time: done on or before the due date, compared here (a ledger as of a past day
        # carries no on_time).
        done = entry.get("completed_on") or ""
        when = "按时完成" if done <= entry["due_date"] else "逾期完成"
        return f"{when}（{day(done)}）"
    if status != "cancelled" and entry.get("overdue"):
        return f"{label('status', status)}，已逾期"
    return label("status", status)


def remarks(entry: Mapping[str, Any], names: Directory) -> str:
    lines = []
    if entry.get("cancel_reason"):
        lines.append(f"取消原因：{entry['cancel_reason']}")
    note = entry.get("outcome_note") or entry.get("last_note")
    if note:
        lines.append(note)
    if entry.get("evidence"):
        lines.append("佐证：" + "；".join(entry["evidence"]))
    if entry.get("last_action"):
        lines.append(accountability(entry, names))
    return "\n".join(lines)


def accountability(entry: Mapping[str, Any], names: Directory) -> str:
    """What was done about it when it fell overdue: the latest action (and how many there were)."""
    taken, count = entry["last_action"], entry.get("actions", 1)
    how = label("accountability_action", taken["action"])
    said = f"追究{f'（共 {count} 次，最近一次）' if count > 1 else ''}：{how}"
    note = f"，{taken['note']}" if taken["note"] else ""
    return f"{said}（{day(taken['taken_on'])}，{names.member(taken['by'])}）{note}"


def ledger_rows(entries: list[Mapping[str, Any]], names: Directory) -> Rows:
    return [
        [
            number,
            task(entry),
            f"{label('kind', entry['kind'])}（{cadence(entry['cadence'], entry.get('review'))}）",
            responsible(entry, names),
            date.fromisoformat(entry["due_date"]),
            progress(entry),
            remarks(entry, names),
            entry["item_id"],
            entry["period"],
            entry.get("owner_id"),
        ]
        for number, entry in enumerate(entries, start=1)
    ]


def _ledger(ctx, actor_id: str, branch_id: str, query: dict[str, Any]) -> tuple[Rows, str]:
    names = directory(ctx, actor_id, branch_id)
    entries = every(ctx, actor_id, branch_id, **query)["entries"]
    return ledger_rows(entries, names), f"{names.name}{SHEET}"


def ledger_csv(ctx, actor_id: str, branch_id: str, **query) -> Response:
    rows, name = _ledger(ctx, actor_id, branch_id, query)
    return csv_file(COLUMNS, rows, f"{name}.csv", f"ledger-{branch_id}.csv")


def ledger_xlsx(ctx, actor_id: str, branch_id: str, **query) -> Response:
    rows, name = _ledger(ctx, actor_id, branch_id, query)
    return xlsx_file([(SHEET, COLUMNS, rows)], f"{name}.xlsx", f"ledger-{branch_id}.xlsx")
