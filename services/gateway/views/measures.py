"""The views' measures composed from the ledger's answers. Pure.

Every view compares the same measures, so a branch's dashboard and its column in the
institution overview read alike: ledger completion and overdue items (the ledger's own figures,
passed on as they are), meetings held against those due, study compliance and goal progress.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from statistics import mean
from typing import Any

Row = Mapping[str, Any]


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def meetings(org_life: Row, group_id: str | None = None) -> dict[str, Any]:
    """Meetings held against those due (periods that ended, or were met), per meeting type."""
    slots = [s for s in org_life["slots"] if group_id is None or s["group_id"] == group_id]
    by_type: dict[str, dict[str, int]] = {}
    for slot in slots:
        if slot["status"] in ("held", "not_held"):
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


def study(study_log: Row, member_ids: Iterable[str] | None = None) -> dict[str, Any]:
    """Finished member-months that met the 1–5 rule, and the shortfalls."""
    wanted = set(member_ids) if member_ids is not None else None
    members = [m for m in study_log["members"] if wanted is None or m["member_id"] in wanted]
    judged = [month for m in members for month in m["months"] if month["finished"]]
    met = sum(month["meets_rule"] for month in judged)
    return {
        "members": len(members),
        "member_months": len(judged),
        "meeting_rule": met,
        "shortfalls": sum(m["shortfalls"] for m in members),
        "rate": rate(met, len(judged)),
    }


def goals(goal_set: Row) -> dict[str, Any]:
    progress = [g["progress"] for g in goal_set["goals"] if g["progress"] is not None]
    return {
        "goals": len(goal_set["goals"]),
        "average_progress": round(mean(progress), 4) if progress else None,
        "items": [
            {key: goal[key] for key in ("goal_id", "code", "title", "standard", "progress")}
            for goal in goal_set["goals"]
        ],
    }


def rank(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Branches side by side: a rank per measure, and overall by the mean of their rates."""
    rates = {
        "completion": lambda s: s["completion"]["rate"],
        "meetings": lambda s: s["meetings"]["rate"],
        "study": lambda s: s["study"]["rate"],
        "goals": lambda s: s["goals"]["average_progress"],
    }
    for summary in summaries:
        known = [r for r in (measure(summary) for measure in rates.values()) if r is not None]
        summary["score"] = round(mean(known), 4) if known else None
        summary["ranks"] = {}
    for name, measure in {**rates, "score": lambda s: s["score"]}.items():
        ordered = sorted(summaries, key=lambda s: (measure(s) is None, -(measure(s) or 0)))
        for place, summary in enumerate(ordered, start=1):
            summary["ranks"][name] = place
    return sorted(summaries, key=lambda s: s["ranks"]["score"])
