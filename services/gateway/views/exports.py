"""Lists as files: CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese right) or XLSX
(openpyxl, a sheet per table). The filtered ledger here; the appraisal's in appraisal_exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
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

Rows = list[list[Any]]
Sheet = tuple[str, Sequence[str], Rows]  # title, columns, rows


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})


def csv_file(columns: Sequence[str], rows: Rows, filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return _download(("\ufeff" + out.getvalue()).encode(), "text/csv", filename)


def xlsx_file(sheets: Sequence[Sheet], filename: str) -> Response:
    book = Workbook()
    book.remove(book.active)
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(columns))
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return _download(out.getvalue(), XLSX, filename)


def _rows(ctx, actor_id: str, branch_id: str, query: dict[str, Any]) -> Rows:
    entries = every(ctx, actor_id, branch_id, **query)["entries"]
    return [[entry.get(column) for column in COLUMNS] for entry in entries]


def ledger_csv(ctx, actor_id: str, branch_id: str, **query) -> Response:
    return csv_file(COLUMNS, _rows(ctx, actor_id, branch_id, query), f"ledger-{branch_id}.csv")


def ledger_xlsx(ctx, actor_id: str, branch_id: str, **query) -> Response:
    sheet = ("ledger", COLUMNS, _rows(ctx, actor_id, branch_id, query))
    return xlsx_file([sheet], f"ledger-{branch_id}.xlsx")
