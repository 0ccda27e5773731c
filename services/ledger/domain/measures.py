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

A branch's other measures, which its dashboard and its column in the institution overview
compare: meetings held against those due (`meetings`), study months that met the 1–5 rule
(`study`: one article or more; beyond five is recorded and still meets it, study.compliance),
the goals' average progress (`goals`); and the branches ranked by them (`rank`).
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


def meetings(slots: Iterable[Cell], group_id: str | None = None) -> dict[str, Any]:
    """Meetings held against those due (periods that ended, or were met), per meeting type."""
    by_type: dict[str, dict[str, int]] = {}
    for slot in slots:
        if (group_id is None or slot["group_id"] == group_id) and slot["status"] in (
            "held",
            "not_held",
        ):
            counts = by_type.setdefault(slot["meeting_type"], {"due": 0, "held": 0})
            counts["due"] += 1
            counts["held"] += slot["status"] == "held"
    due = sum(c["due"] for c in by_type.values())
    held = sum(c["held"] for c in by_type.values())
    return {
        "due": due,
        "held": held,
        "due_but_not_held": due - held,
        "rate": rate(held, due),
        "by_type": [
            {"meeting_type": kind, **c, "rate": rate(c["held"], c["due"])}
            for kind, c in sorted(by_type.items())
        ],
    }


def study(members: Iterable[Cell]) -> dict[str, Any]:
    """Finished member-months that met the 1–5 rule, and the shortfalls (`members`: rows of the
    study log, each with its months)."""
    members = list(members)
    judged = [month for m in members for month in m["months"] if month["finished"]]
    met = sum(month["meets_rule"] for month in judged)
    return {
        "members": len(members),
        "member_months": len(judged),
        "meeting_rule": met,
        "shortfalls": sum(m["shortfalls"] for m in members),
        "rate": rate(met, len(judged)),
    }


def goals(rows: Iterable[Cell]) -> dict[str, Any]:
    """The goals with their progress, and its average over those that have any."""
    rows = list(rows)
    progress = [g["progress"] for g in rows if g["progress"] is not None]
    return {
        "goals": len(rows),
        "average_progress": round(sum(progress) / len(progress), 4) if progress else None,
        "items": [
            {key: goal[key] for key in ("goal_id", "code", "title", "standard", "progress")}
            for goal in rows
        ],
    }


# A summary's detail, per measure: an institution's overview shows each branch's figures
# without it (the branch's dashboard has it).
DETAIL = {"completion": "by_level_kind_cadence", "meetings": "by_type", "goals": "items"}


def brief(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The summary without its detail."""
    return {
        name: {k: v for k, v in value.items() if k != DETAIL[name]} if name in DETAIL else value
        for name, value in summary.items()
    }


# The rates the branches are compared by; their mean is a branch's score.
RANKED = {
    "completion": lambda s: s["completion"]["rate"],
    "meetings": lambda s: s["meetings"]["rate"],
    "study": lambda s: s["study"]["rate"],
    "goals": lambda s: s["goals"]["average_progress"],
}


def rank(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Branches side by side: a rank per measure, and overall by the mean of their rates."""
    for summary in summaries:
        known = [r for r in (measure(summary) for measure in RANKED.values()) if r is not None]
        summary["score"] = round(sum(known) / len(known), 4) if known else None
        summary["ranks"] = {}
    for name, measure in {**RANKED, "score": lambda s: s["score"]}.items():
        ordered = sorted(summaries, key=lambda s: (measure(s) is None, -(measure(s) or 0)))
        for place, summary in enumerate(ordered, start=1):
            summary["ranks"][name] = place
    return sorted(summaries, key=lambda s: s["ranks"]["score"])
