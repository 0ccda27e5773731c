"""The files every export writes (ledger, appraisal results, archives), read back as a
spreadsheet program would: Chinese headers, names and labels, date cells; text that starts like
a formula is text, and what XLSX cannot hold does not fail the file."""

import csv
import io
from datetime import date, datetime
from types import SimpleNamespace
from urllib.parse import quote

from openpyxl import load_workbook

from services.gateway.dispatch import Context
from services.gateway.views import exports
from services.gateway.views.sheets import WIDEST, csv_file, workbook, xlsx_file

FORMULAS = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]
ROW = [*FORMULAS, "第一行\u000b第二行\u000c\x01\x1f\ufffe", 3, -2.5, None, True]
COLUMNS = [f"c{n}" for n in range(len(ROW))]
CLEAN = "第一行\n第二行\n"


def test_xlsx_cells_are_typed_text_never_formulas():
    answer = xlsx_file([("sheet", COLUMNS, [ROW])], "表.xlsx", "f.xlsx")
    cells = list(load_workbook(io.BytesIO(answer.data)).active.iter_rows())[1]
    for cell, title in zip(cells, FORMULAS, strict=False):
        written = title.replace("\r", "\n")  # XML reads a carriage return as a line feed
        assert (cell.value, cell.data_type, cell.quotePrefix) == (written, "s", True)
    assert [cell.value for cell in cells[len(FORMULAS) :]] == [CLEAN, 3, -2.5, None, True]


def test_csv_cells_starting_like_a_formula_are_quoted_as_text():
    answer = csv_file(COLUMNS, [ROW], "表.csv", "f.csv")
    row = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))[1]
    assert row[: len(FORMULAS)] == [f"'{title}" for title in FORMULAS]
    assert row[len(FORMULAS) :] == [CLEAN, "3", "-2.5", "", "True"]  # numbers stay numbers


def test_a_sheet_has_a_bold_frozen_header_date_cells_and_columns_as_wide_as_their_text():
    rows = [[date(2026, 12, 3), "张" * 40, "短"], [None, "a", "第一行\n第二行"]]
    book = load_workbook(io.BytesIO(workbook([("表", ("完成时限", "工作任务", "备注"), rows)])))
    sheet = book["表"]
    assert sheet.freeze_panes == "A2" and all(cell.font.b for cell in sheet[1])
    due = sheet["A2"]
    assert (due.is_date, due.value, due.number_format) == (
        True,
        datetime(2026, 12, 3),
        'yyyy"年"m"月"d"日"',
    )
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    # The date's 14 and 2; the longest line's, at most WIDEST; 第一行's 6 and 2.
    assert (widths["A"], widths["B"], widths["C"]) == (16, WIDEST, 8)
    assert sheet["B2"].alignment.wrap_text and sheet["C3"].alignment.wrap_text
    assert not sheet["B3"].alignment.wrap_text


BRANCH = {
    "branch_id": "b1",
    "name": "第一支部",
    "timezone": "Asia/Shanghai",
    "groups": [{"group_id": "g1", "name": "第一党小组"}],
    "members": [{"member_id": "m1", "name": "张三", "group_id": "g1"}],
    "former_members": [{"member_id": "m9", "name": "李四"}],
}


def entry(**fields):
    found = {"item_id": "i1", "title": "调研报告", "level": "member", "kind": "party_building",
             "cadence": "once", "period": "once", "owner_id": "m1", "group_id": "g1",
             "due_date": "2026-03-20", "status": "planned", "overdue": False, "on_time": None,
             "completed_on": None, "last_note": None, "outcome_note": None,
             "cancel_reason": None, "evidence": []}  # fmt: skip
    return {**found, **fields}


ENTRIES = [
    entry(status="done", completed_on="2026-03-18", on_time=True, outcome_note="已报送"),
    entry(
        item_id="i2",
        title="=1+1",
        level="group",
        owner_id=None,
        cadence="quarterly",
        period="2026-Q1",
        status="in_progress",
        overdue=True,
        evidence=["http://e/1"],
        actions=2,
        last_action={"action": "talk", "note": "限期一周", "taken_on": "2026-04-03", "by": "m9"},
    ),
    entry(
        item_id="i3",
        level="branch",
        owner_id="m9",
        kind="reform",
        cadence="monthly",
        period="2026-03",
        status="cancelled",
        cancel_reason="并入年度计划",
    ),
]


class Ledger:
    def list_entries(self, actor_id, branch_id, limit, offset, **filters):
        return {"total": len(ENTRIES), "limit": limit, "offset": offset, "entries": ENTRIES}

    def branch(self, actor_id, branch_id):
        return BRANCH


def test_the_ledger_is_laid_out_as_branches_keep_it_with_names_labels_and_dates():
    ctx = Context(SimpleNamespace(ledger=Ledger()))
    answer = exports.ledger_xlsx(ctx, "sec", "b1")
    disposition = answer.headers["Content-Disposition"]
    assert 'filename="ledger-b1.xlsx"' in disposition
    assert f"filename*=UTF-8''{quote('第一支部台账.xlsx')}" in disposition
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["台账"]
    rows = list(book["台账"].iter_rows(values_only=True))
    # The branches' seven columns first, as they keep them; the ids after.
    assert rows[0] == (
        *("序号", "工作任务", "类别", "责任人", "完成时限", "完成情况", "备注"),
        *("事项编号", "期次", "责任人编号"),
    )
    assert rows[1] == (
        1,
        "调研报告",
        "党建工作（一次性）",
        "张三",  # the member by name, and by id at the end
        datetime(2026, 3, 20),
        "按时完成（2026年3月18日）",
        "已报送",
        "i1",
        "once",
        "m1",
    )
    assert rows[2][1:4] == ("=1+1（2026年第一季度）", "党建工作（季度）", "第一党小组")
    assert (rows[2][5], rows[2][6]) == (
        "进行中，已逾期",
        "佐证：http://e/1\n追究（共 2 次，最近一次）：约谈（2026年4月3日，李四），限期一周",
    )
    assert rows[2][7:] == ("i2", "2026-Q1", None)  # a group's item nobody owns
    assert rows[3][1:] == (
        "调研报告（2026年3月）",
        "改革（业务）工作（每月）",
        "第一支部（李四）",  # owned by someone who has left the branch since
        datetime(2026, 3, 20),
        "已取消",
        "取消原因：并入年度计划",
        "i3",
        "2026-03",
        "m9",
    )
    assert book["台账"]["B3"].data_type == "s"  # a title like a formula is text


def test_the_ledgers_csv_has_a_bom_chinese_headers_and_iso_dates():
    answer = exports.ledger_csv(Context(SimpleNamespace(ledger=Ledger())), "sec", "b1")
    assert answer.data.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert [row["责任人"] for row in table] == ["张三", "第一党小组", "第一支部（李四）"]
    assert [row["责任人编号"] for row in table] == ["m1", "", "m9"]
    assert table[0]["完成时限"] == "2026-03-20" and table[1]["工作任务"].startswith("'=1+1")


def test_a_branch_answered_without_former_members_still_names_its_members():
    """As the ledger of the release before answers, during a rolling upgrade."""
    older = {key: value for key, value in BRANCH.items() if key != "former_members"}
    names = exports.Directory.of(older)
    assert (names.member("m1"), names.member("m9"), names.group_of("m1")) == (
        "张三",
        "m9",
        "第一党小组",
    )


def test_members_who_share_a_name_are_told_apart_by_their_ids_written_as_text():
    """Ids are text as titles are: one of digits stays as written, one starting with "-" (which
    an id may) is not read as a formula."""
    twins = {**BRANCH, "members": [{"member_id": m, "name": "张伟", "group_id": "g1"}
                                   for m in ("007", "-m2")]}  # fmt: skip
    entries = [entry(owner_id="007"), entry(item_id="i2", owner_id="-m2")]
    rows = exports.ledger_rows(entries, exports.Directory.of(twins))
    sheet = load_workbook(io.BytesIO(workbook([("台账", exports.COLUMNS, rows)])))["台账"]
    owners = [(row[3].value, row[9].value, row[9].data_type) for row in sheet.iter_rows(min_row=2)]
    assert owners == [("张伟", "007", "s"), ("张伟", "-m2", "s")]
    assert sheet["J3"].quotePrefix and not sheet["J2"].quotePrefix
    answer = csv_file(exports.COLUMNS, rows, "表.csv", "f.csv")
    table = csv.DictReader(io.StringIO(answer.data.decode("utf-8-sig")))
    assert [row["责任人编号"] for row in table] == ["007", "'-m2"]


def test_a_routine_item_is_written_with_its_review_period():
    routine = entry(cadence="routine", review="quarterly", period="2026-Q1")
    rows = exports.ledger_rows([routine], exports.Directory.of(BRANCH))
    assert rows[0][1:3] == ["调研报告（2026年第一季度）", "党建工作（日常 · 每季度回顾）"]
