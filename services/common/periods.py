"""Cadence arithmetic: periods, occurrence keys and due dates. Pure; shared by every service
that reasons about the ledger's calendar.

Occurrence keys name a period: `2026` (annual), `2026-H1`, `2026-Q3`, `2026-05` (monthly),
`2026-05-17` (daily) and `once` for a one-off item.

The seed splits a year's tasks into 全年 / 半年 / 季度 / 每月 / 日常. The last is routine: ongoing
work, reviewed once each period the branch chooses for it (a review period: monthly unless it
says otherwise), not one task a calendar day. A routine item's occurrences are its review
periods (keys as those cadences have them). Items planned before routine existed could be daily,
one occurrence a day (up to 400 a year): those stay as the log recorded them, readable and
workable, but no plan chooses daily any more.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

# Dates (due, overdue, month end) are an institution's local dates; this is its default zone.
DEFAULT_TIMEZONE = "Asia/Shanghai"


def local_date(now: datetime, timezone: str) -> date:
    """The institution's day at `now` (not the server's): the day its dates are judged by."""
    return now.astimezone(ZoneInfo(timezone)).date()


# What a plan may choose.
CADENCES = ("annual", "half_year", "quarterly", "monthly", "routine", "once")
# Read only: items planned before routine replaced it (filters and labels still know them).
RETIRED_CADENCES = ("daily",)
ONCE = "once"
ROUTINE = "routine"
# How often a routine item is reviewed: one occurrence each such period.
REVIEW_PERIODS = ("monthly", "quarterly", "half_year", "annual")
DEFAULT_REVIEW = "monthly"
# Months in one period of each month-based cadence.
_SPAN = {"annual": 12, "half_year": 6, "quarterly": 3, "monthly": 1}


def clamp(year: int, month: int, day: int) -> date:
    """The `day` of a month, or its last day when the month is shorter (31 → 28 Feb, 30 Apr)."""
    return date(year, month, min(day, monthrange(year, month)[1]))


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return clamp(index // 12, index % 12 + 1, day.day)


def period_key(cadence: str, day: date) -> str:
    """The key of the period of `cadence` that contains `day`."""
    if cadence == "annual":
        return f"{day.year}"
    if cadence == "half_year":
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    if cadence == "quarterly":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if cadence == "monthly":
        return f"{day:%Y-%m}"
    if cadence == "daily":
        return day.isoformat()
    return ONCE


def period_bounds(key: str) -> tuple[date, date]:
    """First and last day of the period a key names (not defined for `once`)."""
    if len(key) == 10:
        day = date.fromisoformat(key)
        return day, day
    year = int(key[:4])
    if len(key) == 4:
        first, months = date(year, 1, 1), 12
    elif key[5] == "H":
        first, months = date(year, 6 * int(key[6]) - 5, 1), 6
    elif key[5] == "Q":
        first, months = date(year, 3 * int(key[6]) - 2, 1), 3
    else:
        first, months = date(year, int(key[5:7]), 1), 1
    return first, add_months(first, months) - timedelta(days=1)


def periods(cadence: str, starts_on: date, ends_on: date) -> list[str]:
    """Keys of every period of `cadence` that overlaps [starts_on, ends_on], in order."""
    if cadence == "daily":
        days = (ends_on - starts_on).days + 1
        return [(starts_on + timedelta(days=n)).isoformat() for n in range(max(days, 0))]
    keys = []
    first = period_bounds(period_key(cadence, starts_on))[0]
    while first <= ends_on:
        keys.append(period_key(cadence, first))
        first = add_months(first, _SPAN[cadence])
    return keys


def due_date(
    cadence: str, key: str, due_day: int | None = None, due_month: int | None = None
) -> date:
    """When the occurrence `key` of a recurring item falls due.

    On `due_day` (default: the last day) of the period's last month — for annual items of
    `due_month` (default December) — clamped to the month's length; a daily item is due that day.
    """
    first, last = period_bounds(key)
    if cadence == "daily":
        return first
    month = (due_month or 12) if cadence == "annual" else last.month
    return clamp(last.year, month, due_day or 31)


def months_between(start: date, end: date) -> list[str]:
    """Month keys (`YYYY-MM`) from the month of `start` to the month of `end`."""
    return periods("monthly", start, end)
