"""What the ledger's figures mean: the one definition every view and the appraisal use. Pure.

The read model counts each item occurrence in a cell (ledger.measure_cells: branch, level, kind,
cadence, group, owner, goal and due date), with three counters: `occurrences` (not cancelled),
`done`, and `on_time` (done on or before the due date, in the institution's local date). On a
day `today`, of the occurrences counted:

- due: those whose due date has come (today included), and those done early (settled);
- done, on time, and late (done after the due date);
- overdue: those not done whose due date has passed (one due today is not overdue yet);
- rate: done ÷ due (completion); on_time_rate: on time ÷ due (what the appraisal scores).

Only whether a cell's due date is before, on or after `today` matters here, so a query may sum
the cells on each side of today before they reach `tally` (see `sides`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

Cell = Mapping[str, Any]  # due_date (a date), occurrences, done, on_time


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def sides(today: date) -> tuple[date, date]:
    """The day before and the day after `today`: a due date clamped between them keeps its place
    against `today`, which is all `tally` asks of it, so a query may group cells by the clamped
    date and send O(groups × 3) rows instead of one per due date."""
    return today - timedelta(days=1), today + timedelta(days=1)


def tally(cells: Iterable[Cell], today: date) -> dict[str, Any]:
    """The measures of some cells on `today`."""
    occurrences = due = done = on_time = overdue = 0
    for cell in cells:
        occurrences += cell["occurrences"]
        done += cell["done"]
        on_time += cell["on_time"]
        due += cell["occurrences"] if cell["due_date"] <= today else cell["done"]
        if cell["due_date"] < today:
            overdue += cell["occurrences"] - cell["done"]
    return {
        "occurrences": occurrences,
        "due": due,
        "done": done,
        "on_time": on_time,
        "late": done - on_time,
        "overdue": overdue,
        "rate": rate(done, due),
        "on_time_rate": rate(on_time, due),
    }


def tally_by(cells: Iterable[Cell], today: date, *keys: str) -> dict[tuple, dict[str, Any]]:
    """`tally` per distinct value of `keys` (a tuple, in key order)."""
    groups: dict[tuple, list[Cell]] = {}
    for cell in cells:
        groups.setdefault(tuple(cell[k] for k in keys), []).append(cell)
    return {key: tally(group, today) for key, group in sorted(groups.items())}
