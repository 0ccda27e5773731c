"""A filtered ledger as a file: CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese
right) or XLSX (openpyxl)."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from werkzeug.wrappers import Response

from .entries import every

COLUMNS = (
    "item_id",
    "title",
    "level",
    "kind",
    "cadence",
    "group_id",
    "owner_id",
    "period",
    "due_date",
    "status",
    "overdue",
    "completed_on",
    "on_time",
    "last_note",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(ctx, actor_id: str, branch_id: str, query: dict[str, Any]) -> list[list[Any]]:
    entries = every(ctx, actor_id, branch_id, **query)["entries"]
    return [[entry.get(column) for column in COLUMNS] for entry in entries]


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})


def ledger_csv(ctx, actor_id: str, branch_id: str, **query) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(_rows(ctx, actor_id, branch_id, query))
    data = ("\ufeff" + out.getvalue()).encode()
    return _download(data, "text/csv", f"ledger-{branch_id}.csv")


def ledger_xlsx(ctx, actor_id: str, branch_id: str, **query) -> Response:
    book = Workbook()
    sheet = book.active
    sheet.title = "ledger"
    sheet.append(COLUMNS)
    for row in _rows(ctx, actor_id, branch_id, query):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return _download(out.getvalue(), XLSX, f"ledger-{branch_id}.xlsx")
