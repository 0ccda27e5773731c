from datetime import date

import pytest

from services.common import periods


@pytest.mark.parametrize(
    ("cadence", "day", "key"),
    [
        ("annual", date(2026, 7, 1), "2026"),
        ("half_year", date(2026, 6, 30), "2026-H1"),
        ("half_year", date(2026, 7, 1), "2026-H2"),
        ("quarterly", date(2026, 3, 31), "2026-Q1"),
        ("quarterly", date(2026, 8, 15), "2026-Q3"),
        ("monthly", date(2026, 5, 17), "2026-05"),
        ("daily", date(2026, 5, 17), "2026-05-17"),
        ("once", date(2026, 5, 17), "once"),
    ],
)
def test_period_keys(cadence, day, key):
    assert periods.period_key(cadence, day) == key


@pytest.mark.parametrize(
    ("key", "bounds"),
    [
        ("2026", (date(2026, 1, 1), date(2026, 12, 31))),
        ("2026-H2", (date(2026, 7, 1), date(2026, 12, 31))),
        ("2026-Q1", (date(2026, 1, 1), date(2026, 3, 31))),
        ("2024-02", (date(2024, 2, 1), date(2024, 2, 29))),
        ("2026-05-17", (date(2026, 5, 17), date(2026, 5, 17))),
    ],
)
def test_period_bounds(key, bounds):
    assert periods.period_bounds(key) == bounds


def test_a_monthly_item_due_on_the_31st_falls_on_each_months_last_day():
    keys = periods.periods("monthly", date(2026, 1, 1), date(2026, 4, 30))
    dues = [periods.due_date("monthly", key, due_day=31) for key in keys]
    assert dues == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_leap_years_keep_the_29th_of_february():
    assert periods.due_date("monthly", "2024-02", due_day=30) == date(2024, 2, 29)
    assert periods.due_date("monthly", "2100-02", due_day=29) == date(2100, 2, 28)


def test_recurring_items_fall_due_in_the_last_month_of_their_period():
    assert periods.due_date("quarterly", "2026-Q3", due_day=25) == date(2026, 9, 25)
    assert periods.due_date("half_year", "2026-H1") == date(2026, 6, 30)
    assert periods.due_date("annual", "2026") == date(2026, 12, 31)
    assert periods.due_date("annual", "2026", due_day=30, due_month=2) == date(2026, 2, 28)
    assert periods.due_date("daily", "2026-05-17") == date(2026, 5, 17)


def test_periods_cover_every_period_that_overlaps_the_range():
    assert periods.periods("quarterly", date(2026, 2, 15), date(2026, 7, 1)) == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]
    assert periods.periods("half_year", date(2025, 12, 1), date(2026, 1, 1)) == [
        "2025-H2",
        "2026-H1",
    ]
    assert periods.periods("annual", date(2026, 1, 1), date(2026, 12, 31)) == ["2026"]
    assert len(periods.periods("daily", date(2024, 2, 1), date(2024, 3, 1))) == 30
    assert periods.periods("monthly", date(2026, 12, 1), date(2027, 1, 31)) == [
        "2026-12",
        "2027-01",
    ]


def test_a_plan_chooses_routine_never_daily_which_stays_only_to_be_read():
    assert "routine" in periods.CADENCES and "daily" not in periods.CADENCES
    assert periods.RETIRED_CADENCES == ("daily",)
    assert periods.DEFAULT_REVIEW in periods.REVIEW_PERIODS
