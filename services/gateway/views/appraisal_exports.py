"""A cycle's results and a member's performance archive as files (CSV or XLSX).

Every score comes with its breakdown: per input its value, weight, the weight applied (when an
input had no data, its weight is shared among the others) and points, then which inputs had no
data and the appraisal's note on it. Nothing here names who wrote a peer review: the appraisal's
answers carry only how many there were.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.wrappers import Response

from services.appraisal.schemas import commands as appraisal_commands

from .exports import Rows, csv_file, xlsx_file

# The score's inputs, as a cycle's weights name them.
INPUTS = tuple(appraisal_commands.Weights().fields)
PARTS = ("value", "weight", "applied_weight", "points")
BREAKDOWN = (
    *(f"{name}_{part}" for name in INPUTS for part in PARTS),
    "peer_reviews",
    "missing_inputs",
    "note",
)
RESULT_COLUMNS = ("member_id", "name", "score", "grade", *BREAKDOWN)
CYCLE_COLUMNS = ("cycle_id", "branch_id", "kind", "period", "starts_on", "ends_on")
ARCHIVE_COLUMNS = (*CYCLE_COLUMNS, "finalised_at", "score", "grade", *BREAKDOWN, "rectifications")
RECTIFICATION_COLUMNS = (
    "rectification_id",
    "cycle_id",
    "branch_id",
    "title",
    "raised_by",
    "raised_at",
    "due_date",
    "status",
    "closed_at",
    "note",
)


def breakdown_cells(breakdown: Mapping[str, Any]) -> list[Any]:
    inputs = breakdown.get("inputs", {})
    cells = [inputs.get(name, {}).get(part) for name in INPUTS for part in PARTS]
    missing = "; ".join(breakdown.get("missing", []))
    return [*cells, breakdown.get("peer_reviews"), missing, breakdown.get("note")]


def result_rows(results: Mapping[str, Any], names: Mapping[str, str]) -> Rows:
    return [
        [
            row["member_id"],
            names.get(row["member_id"], ""),
            row["score"],
            row["grade"],
            *breakdown_cells(row["breakdown"]),
        ]
        for row in results["results"]
    ]


def archive_rows(archive: Mapping[str, Any]) -> tuple[Rows, Rows]:
    """(one row per cycle, with its rectifications in one cell; one row per rectification)."""
    raised: dict[str, list[str]] = {}
    for item in archive["rectifications"]:
        summary = f"{item['title']} ({item['status']}, {item['due_date']})"
        raised.setdefault(item["cycle_id"], []).append(summary)
    cycles = [
        [
            *(row[column] for column in (*CYCLE_COLUMNS, "finalised_at", "score", "grade")),
            *breakdown_cells(row["breakdown"]),
            "; ".join(raised.get(row["cycle_id"], [])),
        ]
        for row in archive["cycles"]
    ]
    items = [[item[c] for c in RECTIFICATION_COLUMNS] for item in archive["rectifications"]]
    return cycles, items


def _results(ctx, actor_id: str, branch_id: str, cycle_id: str) -> Rows:
    results, branch = ctx.gather(
        [
            ("appraisal", "results", {"actor_id": actor_id, "cycle_id": cycle_id}),
            ("ledger", "branch", {"actor_id": actor_id, "branch_id": branch_id}),
        ]
    )
    return result_rows(results, {m["member_id"]: m["name"] for m in branch["members"]})


def results_csv(ctx, actor_id: str, branch_id: str, cycle_id: str) -> Response:
    rows = _results(ctx, actor_id, branch_id, cycle_id)
    return csv_file(RESULT_COLUMNS, rows, f"appraisal-{cycle_id}.csv")


def results_xlsx(ctx, actor_id: str, branch_id: str, cycle_id: str) -> Response:
    rows = _results(ctx, actor_id, branch_id, cycle_id)
    return xlsx_file([("results", RESULT_COLUMNS, rows)], f"appraisal-{cycle_id}.xlsx")


def _archive(ctx, actor_id: str, member_id: str) -> tuple[Rows, Rows]:
    return archive_rows(ctx.rpc("appraisal").archive(actor_id=actor_id, member_id=member_id))


def archive_csv(ctx, actor_id: str, branch_id: str, member_id: str) -> Response:
    cycles, _ = _archive(ctx, actor_id, member_id)
    return csv_file(ARCHIVE_COLUMNS, cycles, f"archive-{member_id}.csv")


def archive_xlsx(ctx, actor_id: str, branch_id: str, member_id: str) -> Response:
    cycles, items = _archive(ctx, actor_id, member_id)
    sheets = [("cycles", ARCHIVE_COLUMNS, cycles), ("rectifications", RECTIFICATION_COLUMNS, items)]
    return xlsx_file(sheets, f"archive-{member_id}.xlsx")
