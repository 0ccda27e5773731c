"""The views' measures from ledger answers (pure)."""

from services.gateway.views import measures


def test_meetings_count_ended_periods_only():
    slots = [
        {"meeting_type": "m", "group_id": None, "status": s}
        for s in ("held", "not_held", "open", "upcoming")
    ]
    counted = measures.meetings({"slots": slots})
    assert (counted["due"], counted["held"], counted["rate"]) == (2, 1, 0.5)


def test_branches_rank_by_the_mean_of_their_rates():
    def branch(name, rate):
        return {
            "branch_id": name,
            "completion": {"rate": rate},
            "meetings": {"rate": rate},
            "study": {"rate": None},
            "goals": {"average_progress": rate},
        }

    ranked = measures.rank([branch("low", 0.2), branch("high", 0.9), branch("none", None)])
    assert [b["branch_id"] for b in ranked] == ["high", "low", "none"]
    assert ranked[0]["ranks"]["completion"] == ranked[0]["ranks"]["score"] == 1
    assert ranked[-1]["score"] is None
