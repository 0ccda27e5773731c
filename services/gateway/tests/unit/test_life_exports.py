"""The year's meetings as a file: each meeting by its type in Chinese, a party lecture's lecturer
by name (a member, or someone from outside the branch), a joint activity day's partner and place,
the ids after the names."""

import csv
import io
from datetime import datetime
from types import SimpleNamespace
from urllib.parse import quote

from openpyxl import load_workbook

from services.gateway.dispatch import Context
from services.gateway.views import life_exports

from .test_exports import BRANCH


def held(meeting_id, meeting_type, **more):
    row = {"meeting_id": meeting_id, "meeting_type": meeting_type, "held_on": "2026-03-05",
           "title": "专题党课", "group_id": None, "recorded_by": "m1", "present": 9,
           "on_leave": 1, "absent": 0, "lecturer": None, "partner": None,
           "place": None}  # fmt: skip
    return {**row, **more}


MEETINGS = [
    held("mt1", "party_lecture", lecturer={"member_id": "m1", "name": None}),
    held("mt2", "party_lecture", lecturer={"member_id": None, "name": "周明（分管院领导）"}),
    held("mt3", "activity_day", title="联建", partner="联系点法院党支部", place="联系点法院"),
    held("mt4", "group_meeting", group_id="g1", recorded_by="m9"),
]


class Ledger:
    def org_life(self, actor_id, branch_id, year):
        return {"branch_id": branch_id, "year": year, "meetings": MEETINGS}

    def branch(self, actor_id, branch_id):
        return BRANCH


def test_meetings_name_their_lecturer_partner_and_place():
    answer = life_exports.meetings_xlsx(
        Context(SimpleNamespace(ledger=Ledger())), "sec", "b1", 2026
    )
    assert (
        f"filename*=UTF-8''{quote('第一支部2026年会议记录.xlsx')}"
        in answer.headers["Content-Disposition"]
    )
    rows = list(load_workbook(io.BytesIO(answer.data))["会议记录"].iter_rows(values_only=True))
    assert rows[0] == life_exports.COLUMNS
    assert rows[1] == (1, datetime(2026, 3, 5), "党课", "专题党课", None, "张三", None, None,
                       9, 1, 0, "张三", "mt1", "m1", "m1")  # fmt: skip
    assert rows[2][5] == "周明（分管院领导）（支部外）" and rows[2][13] is None
    assert rows[3][2:8] == ("主题党日活动", "联建", None, None, "联系点法院党支部", "联系点法院")
    assert (rows[4][4], rows[4][11]) == ("第一党小组", "李四")  # who recorded it has left since


def test_the_meetings_csv_has_a_bom_and_iso_dates():
    answer = life_exports.meetings_csv(Context(SimpleNamespace(ledger=Ledger())), "sec", "b1", 2026)
    assert answer.data.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert [row["授课人"] for row in table[:2]] == ["张三", "周明（分管院领导）（支部外）"]
    assert table[0]["召开日期"] == "2026-03-05" and table[2]["地点"] == "联系点法院"
