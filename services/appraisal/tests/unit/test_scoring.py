"""Scoring: the weighted sum, redistribution of missing inputs, grade bands, rounding."""

import pytest

from services.appraisal.domain import scoring
from services.appraisal.domain.cycle import DEFAULT_BANDS, DEFAULT_WEIGHTS, INPUTS

from .conftest import MEASURES
from .helpers import comment, finalise, peer_review, self_review

ALL = {
    "self": 80.0,
    "peer": 70.0,
    "leader": 90.0,
    "ledger": 75.0,
    "study": 100.0,
    "attendance": 80.0,
}


def test_the_final_score_is_the_weighted_sum_of_the_inputs():
    result = scoring.final(ALL, DEFAULT_WEIGHTS, DEFAULT_BANDS)
    # 8 + 14 + 18 + 22.5 + 10 + 8
    assert result["score"] == 80.5 and result["grade"] == "competent"
    leader = result["breakdown"]["inputs"]["leader"]
    assert leader == {"value": 90.0, "weight": 0.2, "applied_weight": 0.2, "points": 18.0}
    assert result["breakdown"]["missing"] == []


def test_a_missing_input_shares_its_weight_in_proportion():
    result = scoring.final({**ALL, "peer": None}, DEFAULT_WEIGHTS, DEFAULT_BANDS)
    # the other weights (0.8 in all) each grow by a quarter: 80.5 − 14 = 66.5, × 1.25
    assert result["score"] == 83.1
    assert result["breakdown"]["missing"] == ["peer"]
    assert result["breakdown"]["inputs"]["ledger"]["applied_weight"] == 0.375
    assert result["breakdown"]["inputs"]["peer"]["points"] == 0.0
    assert "peer" in result["breakdown"]["note"] and "0.2" in result["breakdown"]["note"]


def test_an_input_without_weight_is_not_redistributed():
    weights = {**DEFAULT_WEIGHTS, "study": 0.0, "ledger": 0.4}
    result = scoring.final({**ALL, "study": None}, weights, DEFAULT_BANDS)
    assert result["breakdown"]["note"] == "every weighted input had data"


def test_no_data_at_all_gives_no_score():
    result = scoring.final(dict.fromkeys(INPUTS), DEFAULT_WEIGHTS, DEFAULT_BANDS)
    assert result["score"] is None and result["grade"] is None


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "excellent"),
        (90.0, "excellent"),
        (89.9, "competent"),
        (75.0, "competent"),
        (74.9, "basically_competent"),
        (60.0, "basically_competent"),
        (59.9, "incompetent"),
        (0, "incompetent"),
    ],
)
def test_grades_follow_the_bands_lower_bounds(score, grade):
    assert scoring.grade(score, DEFAULT_BANDS) == grade


def test_rounding_is_half_up():
    assert scoring.rounded(84.25, 1) == 84.3 and scoring.rounded(84.35, 1) == 84.4
    assert scoring.rounded(2.675, 2) == 2.68  # stored in binary just below 2.675


def test_finalised_results_carry_their_breakdown_and_the_measures_as_evidence(opened):
    self_review(opened, "m1", value=80.0)
    peer_review(opened, "m2", "m1", value=60.0)
    peer_review(opened, "gl1", "m1", value=80.0)
    comment(opened, "gl1", "m1", score=90.0)
    events = finalise(opened, reason="a test cycle").events
    recorded = {e.data["member_id"]: e.data for e in events if e.type == "MeasuresRecorded"}
    assert recorded["m1"]["ledger"]["overall"] == MEASURES["ledger"]["on_time_rate"]
    assert recorded["m1"]["source"] == "ledger.member_measures"
    results = {r["member_id"]: r for r in events[-1].data["results"]}
    m1 = results["m1"]
    # self 80, peer 70, leader 90, ledger 75, study 100, attendance 80 → 80.5
    assert (m1["score"], m1["grade"]) == (80.5, "competent")
    assert m1["breakdown"]["peer_reviews"] == 2
    # m3 wrote and got nothing: only the measures count, weighing 0.5 in all, scaled to 1
    assert results["m3"]["breakdown"]["missing"] == ["self", "peer", "leader"]
    assert results["m3"]["score"] == 81.0  # 40.5 / 0.5
