"""The files every export writes (ledger, appraisal results, archives), read back as a
spreadsheet program would: text that starts like a formula is text, and what XLSX cannot hold
does not fail the file."""

import csv
import io

from openpyxl import load_workbook

from services.gateway.views.exports import csv_file, xlsx_file

FORMULAS = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]
ROW = [*FORMULAS, "第一行\u000b第二行\u000c\x01\x1f\ufffe", 3, -2.5, None, True]
COLUMNS = [f"c{n}" for n in range(len(ROW))]
CLEAN = "第一行\n第二行\n"


def test_xlsx_cells_are_typed_text_never_formulas():
    answer = xlsx_file([("sheet", COLUMNS, [ROW])], "f.xlsx")
    cells = list(load_workbook(io.BytesIO(answer.data)).active.iter_rows())[1]
    for cell, title in zip(cells, FORMULAS, strict=False):
        written = title.replace("\r", "\n")  # XML reads a carriage return as a line feed
        assert (cell.value, cell.data_type, cell.quotePrefix) == (written, "s", True)
    assert [cell.value for cell in cells[len(FORMULAS) :]] == [CLEAN, 3, -2.5, None, True]


def test_csv_cells_starting_like_a_formula_are_quoted_as_text():
    answer = csv_file(COLUMNS, [ROW], "f.csv")
    row = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))[1]
    assert row[: len(FORMULAS)] == [f"'{title}" for title in FORMULAS]
    assert row[len(FORMULAS) :] == [CLEAN, "3", "-2.5", "", "True"]  # numbers stay numbers
