"""Hostile input over HTTP: each is answered 400 or 422 with the error body, never 500, and
changes nothing; and exports that hold hostile text stay inert files."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from openpyxl import load_workbook

from services.common.labels import ERROR

pytestmark = pytest.mark.servers

JSON = {"Content-Type": "application/json"}


def refused(answer, status: int, code: str) -> dict:
    """The fields of an error answer, once its status, code and Chinese message are checked."""
    assert (answer.status_code, answer.headers["Content-Type"]) == (status, "application/json")
    body = answer.json()
    assert set(body) == {"code", "message", "fields"} and body["code"] == code, body
    assert body["message"] == ERROR[code], body
    return body["fields"]


def groups(cluster) -> list[str]:
    branch = cluster.get(f"/api/v1/branches/{cluster.world.branches['own']}", "secretary").json()
    return sorted(group["name"] for group in branch["groups"])


def test_deep_nesting_is_bad_json_on_every_route(cluster):
    form = f"/api/v1/branches/{cluster.world.branches['own']}/groups"
    before = groups(cluster)
    for path, role in (("/api/v1/auth/token", None), (form, "secretary")):
        unclosed = cluster.post(path, role, data=b"[" * 100_000, headers=JSON)
        refused(unclosed, 400, "bad_json")
        # Deep enough for a later step (the checks, the idempotency hash) to run out of stack.
        inside = b'{"name": ' + b"[" * 600 + b"]" * 600 + b"}"
        keyed = {**JSON, "Idempotency-Key": uuid.uuid4().hex}
        refused(cluster.post(path, role, data=inside, headers=keyed), 400, "bad_json")
    assert groups(cluster) == before


def _plan(cluster, due_day: bytes, key: str | None = None):
    w = cluster.world
    body = (
        b'{"level": "member", "kind": "reform", "cadence": "monthly", "title": "t",'
        b' "owner_id": "%s", "group_id": "%s", "due_day": %s}'
        % (w.people["member"].encode(), w.groups["own"].encode(), due_day)
    )
    headers = {**JSON, **({"Idempotency-Key": key} if key else {})}
    return cluster.post(
        f"/api/v1/branches/{w.branches['own']}/items", "leader", data=body, headers=headers
    )


def _entries(cluster) -> int:
    path = f"/api/v1/branches/{cluster.world.branches['own']}/entries"
    return cluster.get(path, "secretary", params={"limit": 500}).json()["total"]


@pytest.mark.parametrize("number", [b"1e400", b"-1e400", b"Infinity", b"-Infinity", b"NaN"])
def test_a_number_no_field_can_hold_is_bad_json(cluster, number):
    before = _entries(cluster)
    refused(_plan(cluster, number, key=uuid.uuid4().hex), 400, "bad_json")
    w = cluster.world
    thresholds = f"/api/v1/branches/{w.branches['own']}/notifications/thresholds"
    body = b'{"due_soon_days": %s}' % number
    refused(cluster.post(thresholds, "secretary", data=body, headers=JSON), 400, "bad_json")
    assert _entries(cluster) == before


@pytest.mark.parametrize(
    ("number", "why"),
    [(b"2.5", "Not a valid integer."), (str(2**64).encode(), "beyond a 64-bit integer")],
)
def test_an_integer_field_takes_whole_numbers_of_64_bits_only(cluster, number, why):
    before = _entries(cluster)
    assert refused(_plan(cluster, number), 422, "bad_input") == {"due_day": [why]}
    assert _entries(cluster) == before
    assert _plan(cluster, b"2.0").status_code == 200  # a whole number, written with a point


@pytest.mark.parametrize("blank", [" ", "   ", "\t\n", "\u3000"])
def test_a_blank_title_or_name_is_refused(cluster, blank):
    w = cluster.world
    due = f"{w.year}-12-31"
    item = {"level": "branch", "kind": "reform", "cadence": "once", "title": blank, "due_date": due}
    planned = cluster.post(f"/api/v1/branches/{w.branches['own']}/items", "secretary", json=item)
    assert "title" in refused(planned, 422, "bad_input")
    formed = cluster.post(
        f"/api/v1/branches/{w.branches['own']}/groups", "secretary", json={"name": blank}
    )
    assert "name" in refused(formed, 422, "bad_input")


def test_an_idempotency_key_longer_than_200_characters_is_refused(cluster):
    path = f"/api/v1/branches/{cluster.world.branches['own']}/groups"
    before = groups(cluster)
    name = f"长键{uuid.uuid4().hex[:6]}"
    long = cluster.post(
        path, "secretary", json={"name": name}, headers={"Idempotency-Key": "k" * 201}
    )
    assert refused(long, 422, "bad_input") == {"Idempotency-Key": ["at most 200 characters"]}
    assert groups(cluster) == before
    longest = {"Idempotency-Key": uuid.uuid4().hex + "k" * 168}
    assert cluster.post(path, "secretary", json={"name": name}, headers=longest).status_code == 200


def _read_xlsx(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows()]


def test_exports_hold_hostile_text_as_inert_text(cluster):
    w = cluster.world
    branch, run = w.branches["own"], uuid.uuid4().hex[:6]
    formulas = [f"=1+1 {run}", f"+1 {run}", f"-1 {run}", f"@SUM(A1) {run}", f"\t=2 {run}"]
    # An id may start with "-" too, and is written as any other text.
    ids = {title: f"-{n}{run}" for n, title in enumerate(formulas)}
    for title in formulas:
        plan = {"level": "branch", "kind": "reform", "cadence": "once", "title": title}
        plan |= {"due_date": f"{w.year}-12-31", "item_id": ids[title]}
        planned = cluster.post(f"/api/v1/branches/{branch}/items", "secretary", json=plan)
        assert planned.status_code == 200, planned.text
    item = w.items["branch"]
    note = {"period": "once", "note": f"第一行\u000b第二行\x1f {run}"}
    assert cluster.post(f"/api/v1/items/{item}/progress", "secretary", json=note).status_code == 200

    xlsx = cluster.get(f"/api/v1/branches/{branch}/exports/ledger.xlsx", "secretary")
    assert xlsx.status_code == 200, xlsx.text
    rows = _read_xlsx(xlsx.content)
    columns = [cell.value for cell in rows[0]]
    cells = {row[columns.index("工作任务")].value: row for row in rows[1:]}
    for title in formulas:
        cell = cells[title][columns.index("工作任务")]
        assert (cell.value, cell.data_type) == (title, "s")  # text as written, not a formula
        cell = cells[title][columns.index("事项编号")]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (ids[title], "s", True)
    noted = cells["branch 调研"]  # the title of the item noted
    assert noted[columns.index("备注")].value == f"第一行\n第二行 {run}"

    text = cluster.get(f"/api/v1/branches/{branch}/exports/ledger.csv", "secretary")
    table = list(csv.DictReader(io.StringIO(text.content.decode("utf-8-sig"))))
    titles = {row["工作任务"] for row in table}
    assert {f"'{title}" for title in formulas} <= titles
    assert {f"'{ids[title]}" for title in formulas} <= {row["事项编号"] for row in table}
    assert not any(title.startswith(tuple("=+-@\t\r")) for title in titles)
    assert (
        next(row for row in table if row["工作任务"] == "branch 调研")["备注"]
        == f"第一行\n第二行 {run}"
    )
