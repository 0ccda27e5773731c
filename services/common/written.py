"""Dates, the ledger's periods and appraisal cycles as a person reads them in Chinese: the one way
every surface (web app, exports, reminders) writes them. Pure."""

from __future__ import annotations

import re
from datetime import date, datetime

from .labels import label

HALVES = {"1": "上半年", "2": "下半年"}
QUARTERS = {"1": "第一季度", "2": "第二季度", "3": "第三季度", "4": "第四季度"}
_PERIOD = re.compile(r"(\d{4})(?:-(?:H([12])|Q([1-4])|(0[1-9]|1[0-2])(?:-(\d{2}))?))?")


def day(value: date | str | None) -> str:
    """A date as it is written in Chinese: 2026年12月3日 ("" for none)."""
    if not value:
        return ""
    found = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{found.year}年{found.month}月{found.day}日"


def moment(value: datetime) -> str:
    """A time of day in Chinese: 2026年12月3日 18:00 (in the zone it is given in)."""
    return f"{day(value.date())} {value:%H:%M}"


def period(key: str | None) -> str:
    """A ledger period key in Chinese: 2026 → 2026年, 2026-H1 → 2026年上半年, 2026-Q3 →
    2026年第三季度, 2026-05 → 2026年5月, 2026-05-17 → 2026年5月17日. A one-off item's `once`
    has no period (""); any other text stays as it is."""
    if not key or key == "once":
        return ""
    found = _PERIOD.fullmatch(key)
    if found is None:
        return key
    year, half, quarter, month, of_month = found.groups()
    if half:
        return f"{year}年{HALVES[half]}"
    if quarter:
        return f"{year}年{QUARTERS[quarter]}"
    if of_month:
        return f"{year}年{int(month)}月{int(of_month)}日"
    return f"{year}年{int(month)}月" if month else f"{year}年"


def cadence(code: str | None, review: str | None = None) -> str:
    """A cadence in Chinese; a routine item's with its review period: 日常 · 每月回顾."""
    named = label("cadence", code)
    return f"{named} · {label('review', review)}" if review else named


def cycle_name(kind: str, key: str) -> str:
    """An appraisal cycle as people call it: 2026年第一季度评议, 2026年上半年评议, 2026年年终评议
    (the kind said once when the period says it already)."""
    when = period(key)
    said = {"quarterly": "季度", "half_year": "半年"}.get(kind)
    return f"{when}评议" if said and said in when else when + label("cycle_kind", kind)


def size(count: int | None) -> str:
    """A file's size as people read it: 312 字节, 45.3 KB, 2.4 MB."""
    if count is None:
        return ""
    if count < 1024:
        return f"{count} 字节"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / (1024 * 1024):.1f} MB"
