"""The appraisal's open cycles as the gateway shows them, and its exports' rows (pure)."""

from datetime import date
from types import SimpleNamespace

import pytest

from services.gateway.errors import RemoteCallError
from services.gateway.views import appraisal
from services.gateway.views import appraisal_exports as exports

BREAKDOWN = {
    "inputs": {
        "self": {"value": 85.75, "weight": 0.1, "applied_weight": 0.125, "points": 10.72},
        "peer": {"value": None, "weight": 0.2, "applied_weight": 0.0, "points": 0.0},
    },
    "missing": ["peer"],
    "note": "no data for peer",  # the API's; files say it in Chinese
    "peer_reviews": 0,
}


def answering(error: str):
    def list_cycles(**_):
        raise RemoteCallError(error, "refused", [])

    return SimpleNamespace(rpc=lambda service: SimpleNamespace(list_cycles=list_cycles))


def test_a_branch_or_member_the_appraisal_has_not_heard_of_yet_has_no_open_cycles():
    assert appraisal.open_cycles(answering("NotFound"), "m1", "b9") == []
    assert appraisal.open_cycles(answering("Forbidden"), "m1", "b9") == []
    with pytest.raises(RemoteCallError):
        appraisal.open_cycles(answering("BadInput"), "m1", "b9")


NAMES = exports.Directory(
    "第一支部",
    "Asia/Shanghai",
    {"m1": "张三", "m2": "王五", "l1": "李四"},
    {"g1": "第一党小组"},
    {"m1": "g1", "m2": None, "l1": "g1"},
)


def test_a_result_names_the_member_scores_each_input_and_grades_in_chinese():
    results = {"results": [
        {"member_id": "m2", "score": None, "grade": None, "breakdown": {}},
        {"member_id": "m1", "score": 80.1, "grade": "competent", "breakdown": BREAKDOWN},
    ]}  # fmt: skip
    rows, details = exports.result_rows(results, NAMES)
    first = dict(zip(exports.RESULT_COLUMNS, rows[0], strict=True))
    assert first == {
        "序号": 1, "姓名": "张三", "成员编号": "m1", "党小组": "第一党小组",
        "自评得分": 85.75, "互评得分": None,
        "点评得分": None, "台账完成得分": None, "学习得分": None, "出勤得分": None,
        "综合得分": 80.1, "等次": "合格", "互评份数": 0,
        "说明": "互评无数据，其权重已按比例分给其他各项",
    }  # fmt: skip
    assert rows[1][:4] == [2, "王五", "m2", ""]  # in no group: last
    assert details[0] == ["张三", "m1", "自评", 85.75, 0.1, 0.125, 10.72]
    assert exports.note({"inputs": {"self": {"weight": 1, "applied_weight": 0}}}) == (
        "各项均无数据，未计分"
    )


def test_an_archive_row_names_its_cycle_and_lists_its_rectifications():
    cycle = {"cycle_id": "c1", "branch_id": "b1", "kind": "quarterly", "period": "2026-Q2",
             "starts_on": "2026-04-01", "ends_on": "2026-06-30",
             "finalised_at": "2026-06-30T17:00:00+00:00", "score": 80.1, "grade": "competent",
             "breakdown": BREAKDOWN}  # fmt: skip
    item = {"rectification_id": "c1.r1", "cycle_id": "c1", "branch_id": "b1", "title": "学习",
            "raised_by": "l1", "raised_at": "2026-06-20T02:00:00+00:00",
            "due_date": "2026-07-20", "status": "planned", "closed_at": None,
            "note": None}  # fmt: skip
    rows, items = exports.archive_rows({"cycles": [cycle], "rectifications": [item]}, NAMES)
    row = dict(zip(exports.ARCHIVE_COLUMNS, rows[0], strict=True))
    assert (row["评议"], row["评议编号"], row["开始日期"], row["定档日期"]) == (
        "2026年第二季度评议",
        "c1",
        date(2026, 4, 1),
        date(2026, 7, 1),  # the branch's day: 1 July in Shanghai
    )
    assert (row["等次"], row["整改事项"]) == ("合格", "学习（未开始）")
    assert items == [
        [1, "学习", "c1.r1", "2026年第二季度评议", "c1", "李四", "l1", date(2026, 6, 20),
         date(2026, 7, 20), "未开始", None, None]
    ]  # fmt: skip
