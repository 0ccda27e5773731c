"""The appraisal's open cycles as the gateway shows them, and its exports' rows (pure)."""

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
    "note": "no data for peer",
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


def test_a_score_comes_with_its_breakdown():
    cells = dict(zip(exports.BREAKDOWN, exports.breakdown_cells(BREAKDOWN), strict=True))
    assert (cells["self_value"], cells["self_applied_weight"], cells["peer_value"]) == (
        85.75,
        0.125,
        None,
    )
    assert (cells["missing_inputs"], cells["peer_reviews"]) == ("peer", 0)
    results = {"results": [{"member_id": "m1", "score": 80.1, "grade": "competent",
                            "breakdown": BREAKDOWN}]}  # fmt: skip
    [row] = exports.result_rows(results, {"m1": "张三"})
    assert row[:4] == ["m1", "张三", 80.1, "competent"]
    assert len(row) == len(exports.RESULT_COLUMNS)


def test_an_archive_row_lists_its_cycle_rectifications():
    cycle = {"cycle_id": "c1", "branch_id": "b1", "kind": "quarterly", "period": "2026-Q2",
             "starts_on": "2026-04-01", "ends_on": "2026-06-30", "finalised_at": "2026-07-01",
             "score": 80.1, "grade": "competent", "breakdown": BREAKDOWN}  # fmt: skip
    item = {"rectification_id": "c1.r1", "cycle_id": "c1", "branch_id": "b1", "title": "学习",
            "raised_by": "l1", "raised_at": "2026-06-20", "due_date": "2026-07-20",
            "status": "planned", "closed_at": None, "note": None}  # fmt: skip
    cycles_rows, items = exports.archive_rows({"cycles": [cycle], "rectifications": [item]})
    assert cycles_rows[0][-1] == "学习 (planned, 2026-07-20)"
    assert len(cycles_rows[0]) == len(exports.ARCHIVE_COLUMNS)
    assert items == [[item[c] for c in exports.RECTIFICATION_COLUMNS]]
