"""Tables as files a spreadsheet program opens as its users expect: CSV (UTF-8 with a BOM, so
Excel on Windows reads the Chinese right) or XLSX (openpyxl, a sheet per table: the header row
bold and frozen, columns as wide as what they hold, dates as date cells).

Every export writes its cells through `csv_file` and `xlsx_file`, which make what members wrote
inert: text that starts like a formula stays text (OWASP's CSV injection: a title "=HYPERLINK(…)"
would run in the spreadsheet of whoever opens the file), and characters XLSX cannot hold, which a
note may (Word's line break is a vertical tab), no longer fail the whole export.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from werkzeug.wrappers import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0, and so XLSX, holds no control character but tab, line feed and carriage return, nor
# U+FFFE and U+FFFF. Vertical tab and form feed (line and page breaks) become line breaks.
_BREAKS = str.maketrans({"\v": "\n", "\f": "\n"})
_UNWRITABLE = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff]")
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATE_WIDTH = 14  # 2026年12月31日
# Column widths in characters of a Latin font (a Chinese character takes two): wide enough for
# the header, at most WIDEST, beyond which a cell wraps its text.
NARROWEST, WIDEST = 6, 50
BOLD, WRAP = Font(bold=True), Alignment(wrap_text=True, vertical="top")

Rows = list[Sequence[Any]]
Sheet = tuple[str, Sequence[str], Rows]  # title, columns, rows


def download(data: bytes, mimetype: str, filename: str, fallback: str) -> Response:
    """An attachment named in Chinese (RFC 6266's filename*), and in ASCII for old clients."""
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
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
    prefixed when it starts like one, so that editing the cell in Excel keeps it text; a date
    as a date cell shown the Chinese way."""
    if isinstance(value, date):
        cell = Cell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if not isinstance(value, str):
        return value
    text = writable(value)
    cell = Cell(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = text.startswith(FORMULA_STARTS)
    return cell


def csv_file(columns: Sequence[str], rows: Rows, filename: str, fallback: str) -> Response:
    """Dates as ISO text (2026-12-03), which spreadsheet programs read as dates."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return download(("\ufeff" + out.getvalue()).encode(), "text/csv", filename, fallback)


def xlsx_file(sheets: Sequence[Sheet], filename: str, fallback: str) -> Response:
    return download(workbook(sheets), XLSX, filename, fallback)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = BOLD
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
        _fit(sheet, columns, rows)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fit(sheet: Worksheet, columns: Sequence[str], rows: Rows) -> None:
    """Each column as wide as its widest line, within bounds; longer text wraps in its cell."""
    for index, column in enumerate(columns):
        cells = [row[index] for row in rows]
        widths = [width(value) for value in cells]
        widest = max(width(column), NARROWEST, *widths) + 2
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(widest, WIDEST)
        for number, (value, wide) in enumerate(zip(cells, widths, strict=True), start=2):
            if wide + 2 > WIDEST or (isinstance(value, str) and "\n" in value):
                sheet.cell(row=number, column=index + 1).alignment = WRAP


def width(value: Any) -> int:
    """How many Latin characters wide a cell's longest line shows (a Chinese one counts two)."""
    if value is None:
        return 0
    if isinstance(value, date):
        return DATE_WIDTH
    return max(
        sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        for line in str(value).split("\n")
    )
