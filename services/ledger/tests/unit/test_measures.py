"""The one definition of the ledger's measures (domain/measures.py), on cells of counters."""

from datetime import date, timedelta

from services.ledger.domain import measures

TODAY = date(2026, 6, 10)


def cell(due: date, occurrences: int, done: int = 0, on_time: int = 0, **key) -> dict:
    return {"due_date": due, "occurrences": occurrences, "done": done, "on_time": on_time, **key}


def test_due_today_is_due_and_not_overdue_done_early_is_due_and_done():
    today = measures.tally([cell(TODAY, 1)], TODAY)
    assert (today["due"], today["overdue"], today["rate"]) == (1, 0, 0.0)
    early = measures.tally([cell(TODAY + timedelta(days=5), 1, done=1, on_time=1)], TODAY)
    assert (early["due"], early["done"], early["on_time"], early["rate"]) == (1, 1, 1, 1.0)


def test_overdue_late_and_rates():
    counted = measures.tally(
        [
            cell(date(2026, 5, 1), 4, done=3, on_time=1),  # 1 overdue, 2 late
            cell(date(2026, 7, 1), 2),  # not due yet
        ],
        TODAY,
    )
    assert counted == {
        "occurrences": 6,
        "due": 4,
        "done": 3,
        "on_time": 1,
        "late": 2,
        "overdue": 1,
        "rate": 0.75,
        "on_time_rate": 0.25,
    }


def test_nothing_due_has_no_rate():
    counted = measures.tally([cell(TODAY + timedelta(days=1), 3)], TODAY)
    assert (counted["due"], counted["rate"], counted["on_time_rate"]) == (0, None, None)


def test_cells_summed_on_each_side_of_today_tally_alike():
    """What lets a query send one row per side of today instead of one per due date."""
    cells = [
        cell(TODAY + timedelta(days=shift), 1 + shift % 3, done=shift % 2, on_time=shift % 2)
        for shift in range(-40, 41, 2)
    ]
    before, after = measures.sides(TODAY)
    summed: dict[date, dict] = {}
    for each in cells:
        side = min(max(each["due_date"], before), after)
        into = summed.setdefault(side, cell(side, 0))
        for counter in ("occurrences", "done", "on_time"):
            into[counter] += each[counter]
    assert len(summed) == 3
    assert measures.tally(summed.values(), TODAY) == measures.tally(cells, TODAY)


def test_tally_by_groups_on_keys():
    cells = [
        cell(TODAY, 1, owner="a"),
        cell(TODAY, 2, done=2, owner="b"),
        cell(TODAY, 1, owner="a"),
    ]
    by_owner = measures.tally_by(cells, TODAY, "owner")
    assert {key: counts["due"] for key, counts in by_owner.items()} == {("a",): 2, ("b",): 2}


def test_meetings_count_ended_periods_only():
    slots = [
        {"meeting_type": "m", "group_id": None, "status": s}
        for s in ("held", "not_held", "open", "upcoming")
    ]
    counted = measures.meetings(slots)
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


def test_a_brief_summary_has_the_figures_without_their_detail():
    summary = {
        "branch_id": "b1",
        "completion": {"rate": 0.5, "by_level_kind_cadence": [{}]},
        "meetings": {"rate": 1.0, "by_type": [{}]},
        "study": {"rate": None},
        "goals": {"average_progress": 0.2, "items": [{}]},
    }
    assert measures.brief(summary) == {
        "branch_id": "b1",
        "completion": {"rate": 0.5},
        "meetings": {"rate": 1.0},
        "study": {"rate": None},
        "goals": {"average_progress": 0.2},
    }
