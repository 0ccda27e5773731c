"""Lists as files: CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese right) or XLSX
(openpyxl, a sheet per table). The filtered ledger here; the appraisal's in appraisal_exports.

Every export writes its cells through `csv_file` and `xlsx_file`, which make what members wrote
inert: text that starts like a formula stays text (OWASP's CSV injection: a title "=HYPERLINK(…)"
would run in the spreadsheet of whoever opens the file), and characters XLSX cannot hold, which a
note may (Word's line break is a vertical tab), no longer fail the whole export.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet
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
# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0, and so XLSX, holds no control character but tab, line feed and carriage return, nor
# U+FFFE and U+FFFF. Vertical tab and form feed (line and page breaks) become line breaks.
_BREAKS = str.maketrans({"\v": "\n", "\f": "\n"})
_UNWRITABLE = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff]")

Rows = list[list[Any]]
Sheet = tuple[str, Sequence[str], Rows]  # title, columns, rows


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})


def writable(text: str) -> str:
    """The text as every export writes it: without what XLSX cannot hold."""
    return _UNWRITABLE.sub("", text.translate(_BREAKS))


def _csv_cell(value: Any) -> Any:
    """A quote before a formula's start: spreadsheets read it as "text", and do not show it."""
    if not isinstance(value, str):
        return value
    text = writable(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _xlsx_cell(sheet: Worksheet, value: Any) -> Any:
    """Text typed as text (openpyxl writes a string starting with "=" as a formula), quote-
    prefixed when it starts like one, so that editing the cell in Excel keeps it text."""
    if not isinstance(value, str):
        return value
    text = writable(value)
    cell = Cell(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = text.startswith(FORMULA_STARTS)
    return cell


def csv_file(columns: Sequence[str], rows: Rows, filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return _download(("\ufeff" + out.getvalue()).encode(), "text/csv", filename)


def xlsx_file(sheets: Sequence[Sheet], filename: str) -> Response:
    book = Workbook()
    book.remove(book.active)
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(columns))
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
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
