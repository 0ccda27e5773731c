"""A cycle's results and a member's performance archive as files (CSV or XLSX), in Chinese.

Each person and cycle is named, and its id follows its name (成员编号, 评议编号, …): two members
may share a name, and the id is what matches a row to the roster and to the API.

Every score comes with what it was made of: each input's score, and on the XLSX's second sheet
its weight, the weight applied (an input with no data has its weight shared among the others)
and its points. Nothing here names who wrote a peer review: the appraisal's answers carry only
how many there were.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from werkzeug.wrappers import Response

from services.appraisal.schemas import commands as appraisal_commands
from services.common.labels import label
from services.common.written import cycle_name

from .exports import Directory
from .sheets import Rows, csv_file, xlsx_file

# The score's inputs, as a cycle's weights name them.
INPUTS = tuple(appraisal_commands.Weights().fields)
SCORES = tuple(f"{label('input', name)}得分" for name in INPUTS)
OUTCOME = ("综合得分", "等次", "互评份数", "说明")
RESULT_COLUMNS = ("序号", "姓名", "成员编号", "党小组", *SCORES, *OUTCOME)
DETAIL_COLUMNS = ("姓名", "成员编号", "项目", "得分", "权重", "实际权重", "折合分")
ARCHIVE_COLUMNS = (
    "序号",
    "评议",
    "评议编号",
    "开始日期",
    "结束日期",
    "定档日期",
    *SCORES,
    *OUTCOME,
    "整改事项",
)
RECTIFICATION_COLUMNS = (
    "序号",
    "整改事项",
    "事项编号",  # the ledger item that carries it out
    "评议",
    "评议编号",
    "提出人",
    "提出人编号",
    "提出日期",
    "完成时限",
    "完成情况",
    "完成日期",
    "备注",
)


def note(breakdown: Mapping[str, Any]) -> str:
    """What the appraisal says of missing inputs, in Chinese (its own note is for the API)."""
    inputs, missing = breakdown.get("inputs", {}), breakdown.get("missing", [])
    if inputs and not any(part.get("applied_weight") for part in inputs.values()):
        return "各项均无数据，未计分"
    lost = [name for name in missing if inputs.get(name, {}).get("weight")]
    if not lost:
        return ""
    names = "、".join(label("input", name) for name in lost)
    return f"{names}无数据，其权重已按比例分给其他各项"


def outcome(row: Mapping[str, Any]) -> list[Any]:
    """The inputs' scores, the total, the grade in Chinese, the peer reviews counted, the note."""
    breakdown = row.get("breakdown") or {}
    inputs = breakdown.get("inputs", {})
    scores = [inputs.get(name, {}).get("value") for name in INPUTS]
    grade = label("grade", row.get("grade"))
    return [*scores, row.get("score"), grade, breakdown.get("peer_reviews"), note(breakdown)]


def detail_rows(person: list[str], breakdown: Mapping[str, Any]) -> Rows:
    """A row per input the member's score had, after the member's name and id."""
    inputs = breakdown.get("inputs", {})
    parts = ("value", "weight", "applied_weight", "points")
    return [
        [*person, label("input", key), *(inputs[key].get(part) for part in parts)]
        for key in INPUTS
        if key in inputs
    ]


def result_rows(results: Mapping[str, Any], names: Directory) -> tuple[Rows, Rows]:
    """(a row per member, by group; a row per member and input)."""
    groups = {row["member_id"]: names.group_of(row["member_id"]) for row in results["results"]}
    # Group by group, those in none last; within a group as the appraisal answers.
    ordered = sorted(
        results["results"], key=lambda row: (not groups[row["member_id"]], groups[row["member_id"]])
    )
    rows, details = [], []
    for number, row in enumerate(ordered, start=1):
        person = [names.member(row["member_id"]), row["member_id"]]
        rows.append([number, *person, groups[row["member_id"]], *outcome(row)])
        details += detail_rows(person, row.get("breakdown") or {})
    return rows, details


def archive_rows(archive: Mapping[str, Any], names: Directory) -> tuple[Rows, Rows]:
    """(a row per cycle, its rectifications in one cell; a row per rectification)."""
    cycles = {row["cycle_id"]: cycle_name(row["kind"], row["period"]) for row in archive["cycles"]}
    raised: dict[str, list[str]] = {}
    items = []
    for number, item in enumerate(archive["rectifications"], start=1):
        state = label("status", item["status"])
        raised.setdefault(item["cycle_id"], []).append(f"{item['title']}（{state}）")
        items.append(
            [
                number,
                item["title"],
                item["rectification_id"],
                cycles.get(item["cycle_id"], ""),
                item["cycle_id"],
                names.member(item["raised_by"]),
                item["raised_by"],
                names.local_day(item["raised_at"]),
                _date(item["due_date"]),
                state,
                names.local_day(item["closed_at"]),
                item["note"],
            ]
        )
    rows = [
        [
            number,
            cycles[row["cycle_id"]],
            row["cycle_id"],
            _date(row["starts_on"]),
            _date(row["ends_on"]),
            names.local_day(row["finalised_at"]),
            *outcome(row),
            "\n".join(raised.get(row["cycle_id"], [])),
        ]
        for number, row in enumerate(archive["cycles"], start=1)
    ]
    return rows, items


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _with_names(ctx, actor_id: str, branch_id: str, method: str, **args) -> tuple[Any, Directory]:
    """The appraisal's answer, and the branch's names, asked at once."""
    answer, branch = ctx.gather(
        [
            ("appraisal", method, {"actor_id": actor_id, **args}),
            ("ledger", "branch", {"actor_id": actor_id, "branch_id": branch_id}),
        ]
    )
    return answer, Directory.of(branch)


def _results(ctx, actor_id: str, branch_id: str, cycle_id: str) -> tuple[Rows, Rows, str]:
    results, names = _with_names(ctx, actor_id, branch_id, "results", cycle_id=cycle_id)
    cycle = results["cycle"]
    title = f"{names.name}{cycle_name(cycle['kind'], cycle['period'])}结果"
    return *result_rows(results, names), title


def results_csv(ctx, actor_id: str, branch_id: str, cycle_id: str) -> Response:
    rows, _, title = _results(ctx, actor_id, branch_id, cycle_id)
    return csv_file(RESULT_COLUMNS, rows, f"{title}.csv", f"appraisal-{cycle_id}.csv")


def results_xlsx(ctx, actor_id: str, branch_id: str, cycle_id: str) -> Response:
    rows, details, title = _results(ctx, actor_id, branch_id, cycle_id)
    sheets = [("评议结果", RESULT_COLUMNS, rows), ("计分明细", DETAIL_COLUMNS, details)]
    return xlsx_file(sheets, f"{title}.xlsx", f"appraisal-{cycle_id}.xlsx")


def _archive(ctx, actor_id: str, branch_id: str, member_id: str) -> tuple[Rows, Rows, str]:
    found, names = _with_names(ctx, actor_id, branch_id, "archive", member_id=member_id)
    return *archive_rows(found, names), f"{names.member(member_id)}综合业绩评议档案"


def archive_csv(ctx, actor_id: str, branch_id: str, member_id: str) -> Response:
    cycles, _, title = _archive(ctx, actor_id, branch_id, member_id)
    return csv_file(ARCHIVE_COLUMNS, cycles, f"{title}.csv", f"archive-{member_id}.csv")


def archive_xlsx(ctx, actor_id: str, branch_id: str, member_id: str) -> Response:
    cycles, items, title = _archive(ctx, actor_id, branch_id, member_id)
    sheets = [("历次评议", ARCHIVE_COLUMNS, cycles), ("整改事项", RECTIFICATION_COLUMNS, items)]
    return xlsx_file(sheets, f"{title}.xlsx", f"archive-{member_id}.xlsx")
