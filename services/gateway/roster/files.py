"""A roster as a secretary keeps it: an XLSX workbook (the template's two sheets) or a CSV of
the members' table, read into rows of text. Pure.

What the file's shape gets wrong (a sheet or a column missing) is said against its header row,
in the same form as the ledger's answers about cells; a file that is neither a workbook nor
text is refused whole (UnreadableRoster). Columns the template does not know (序号, 备注) are
left alone, and so are blank rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook

from services.common import roster as r
from services.ledger.schemas.roster import MAX_ROWS

from ..views.sheets import workbook

# Table → (its columns, those that must be there), in the template's order.
TABLES = {
    r.UNITS: ((r.BRANCH, r.GROUP), (r.BRANCH,)),
    r.MEMBERS: (
        (r.BRANCH, r.GROUP, r.NAME, r.LOGIN, r.EMAIL, r.PHONE, r.ROLES),
        (r.BRANCH, r.NAME, r.LOGIN),
    ),
}
# Column → the field of the ledger's row.
FIELDS = {
    r.BRANCH: "branch",
    r.GROUP: "group",
    r.NAME: "name",
    r.LOGIN: "login",
    r.EMAIL: "email",
    r.PHONE: "phone",
    r.ROLES: "roles",
}
HEADER_ROW = 1
MAX_COLUMNS = 64  # read of a row: the template has 7, a secretary's sheet a few more
# Excel in a Chinese locale saves CSV in GB 18030's subset GBK; everything else, UTF-8.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


class UnreadableRoster(ValueError):
    """Neither an XLSX workbook nor a CSV text: nothing in it can be read."""


@dataclass
class RosterFile:
    units: list[dict[str, Any]] = field(default_factory=list)  # the ledger's UnitRow fields
    members: list[dict[str, Any]] = field(default_factory=list)
    problems: list[r.RowReport] = field(default_factory=list)  # of the file's shape


def read(content: bytes) -> RosterFile:
    """A workbook (a ZIP archive, as every XLSX is) or a CSV of the members' table."""
    if content.startswith(b"PK\x03\x04"):
        return _read_tables(_workbook_sheets(content), required=(r.MEMBERS,))
    return _read_tables({r.MEMBERS: _csv_rows(content)}, required=(r.MEMBERS,))


def _workbook_sheets(content: bytes) -> dict[str, list[tuple]]:
    """The tables' sheets, rows read as they stream (read-only mode): what is wrong with an
    archive or its XML shows while reading, anywhere in it, as any of many errors (zipfile's,
    zlib's, the XML parser's, openpyxl's own), each of which means one thing here."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            return {
                sheet.title.strip(): _first_rows(
                    sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
                )
                for sheet in book.worksheets
                if sheet.title.strip() in TABLES
            }
        finally:
            book.close()
    except Exception as error:  # see above: an unreadable file, whatever broke in it
        raise UnreadableRoster(f"无法读取的 XLSX 文件：{type(error).__name__}") from None


def _csv_rows(content: bytes) -> list[tuple]:
    for encoding in CSV_ENCODINGS:
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableRoster("CSV 文件须为 UTF-8 或 GBK 编码")
    if "\x00" in text:
        raise UnreadableRoster("既不是 XLSX 文件，也不是 CSV 文本")
    try:
        return _first_rows(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise UnreadableRoster(f"无法读取的 CSV 文件：{error}") from None


def _first_rows(rows) -> list[tuple]:
    """The header and up to MAX_ROWS rows more (one more, so that too many is noticed)."""
    found = []
    for row in rows:
        found.append(tuple(row))
        if len(found) > MAX_ROWS + 1:
            break
    return found


def _read_tables(sheets: dict[str, list[tuple]], required: tuple[str, ...]) -> RosterFile:
    found = RosterFile()
    for table, (columns, needed) in TABLES.items():
        if table not in sheets:
            if table in required:
                found.problems.append(_problem(table, "表", f"缺少“{table}”表"))
            continue
        rows = _table(table, sheets[table], columns, needed, found.problems)
        (found.units if table == r.UNITS else found.members).extend(rows)
    return found


def _table(table: str, rows: list[tuple], columns, needed, problems) -> list[dict[str, Any]]:
    header = [_text(cell) for cell in rows[0]] if rows else []
    missing = [column for column in needed if column not in header]
    for column in missing:
        problems.append(_problem(table, column, f"缺少列“{column}”"))
    if len(rows) > MAX_ROWS + 1:
        problems.append(_problem(table, "表", f"至多{MAX_ROWS}行"))
    if missing or len(rows) > MAX_ROWS + 1:
        return []
    where = {column: header.index(column) for column in columns if column in header}
    read = []
    for number, row in enumerate(rows[1:], start=HEADER_ROW + 1):
        cells = {FIELDS[c]: _text(row[i]) if i < len(row) else "" for c, i in where.items()}
        if any(cells.values()):
            read.append({"row": number, **cells})
    return read


def _problem(table: str, column: str, message: str) -> r.RowReport:
    report = r.RowReport(table, HEADER_ROW)
    report.error(column, message)
    return report


def _text(value: Any) -> str:
    """A cell as the text it shows: a phone number typed as a number has no ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


EXAMPLE_UNITS = [("第一支部", "第一党小组"), ("第一支部", "第二党小组")]
ZHANG = ("张三", "zhangsan", "zhangsan@example.cn", "13800000001")
EXAMPLE_MEMBERS = [
    ("第一支部", "第一党小组", *ZHANG, "支部书记"),
    ("第一支部", "第一党小组", "李四", "lisi", "", "", "党小组长"),
    ("第一支部", "第二党小组", "王五", "wangwu", "", "", "支委、党小组长"),
]
NOTES = [
    ("说明",),
    (f"“{r.UNITS}”表：每行一个党小组（只建支部时党小组留空）；导入时新建尚无的支部和党小组。",),
    (f"“{r.MEMBERS}”表：每行一名党员；支部、党小组须是已有的，或列在“{r.UNITS}”表中。",),
    ("登录名：1–64个字母、数字或 _.:- ，每人唯一，即其账号；新账号的一次性密码在导入后给出。",),
    (f"职务：可填{r.role_names()}，多个以顿号分隔；党小组长领导本人所在党小组。",),
    (
        "导入只增加：不删除党员、不撤销职务、不修改已有党员的姓名、邮箱和手机号；同一文件再导入不作更改。",
    ),
    (f"CSV 文件只含“{r.MEMBERS}”表（UTF-8 或 GBK 编码）。",),
]


def template() -> bytes:
    """The workbook to fill in: both tables with their headers and an example, and the rules."""
    examples = {r.UNITS: EXAMPLE_UNITS, r.MEMBERS: EXAMPLE_MEMBERS}
    tables = [(table, columns, examples[table]) for table, (columns, _) in TABLES.items()]
    return workbook([*tables, (NOTES[0][0], NOTES[0], NOTES[1:])])
