"""The aggregated views, one request each: branch dashboard, group, member, institution overview.

Each asks the ledger for what it needs at once (in parallel green threads) and composes the
answers with views/measures.py. Ledger completion (due, done, on time, overdue, rates) is the
ledger's own (`branch_measures`, `institution_measures`: counters, not occurrences), the same
figures its `member_measures` gives the appraisal; nothing here counts occurrences. The
dashboard adds the appraisal's open cycles (views/appraisal.py); the member view adds the
person's archive, reviews owed and inbox (views/personal.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventlet.greenpool import GreenPile

from ..errors import not_found
from . import appraisal, measures, personal
from .entries import every

OVERDUE_SHOWN = 20


def _year(year: int) -> dict[str, date]:
    return {"due_from": date(year, 1, 1), "due_to": date(year, 12, 31)}


def summary(
    ctx, actor_id: str, branch_id: str, year: int, measured: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A branch's measures for the year: what the dashboard leads with and the overview ranks
    (`measured`: the branch's ledger completion, when the overview has it already)."""
    asked = {"actor_id": actor_id, "branch_id": branch_id, "year": year}
    calls = ("goal_set", "org_life", "study_log", *(() if measured else ("branch_measures",)))
    goal_set, org_life, study_log, *rest = ctx.gather([("ledger", c, asked) for c in calls])
    measured = measured or rest[0]
    return {
        "branch_id": branch_id,
        "year": year,
        "today": measured["today"],
        "completion": measured["completion"],
        "overdue": measured["completion"]["overdue"],
        "meetings": measures.meetings(org_life),
        "study": measures.study(study_log),
        "goals": measures.goals(goal_set),
    }


def overdue_list(ctx, actor_id: str, branch_id: str, **filters) -> dict[str, Any]:
    found = ctx.rpc("ledger").list_entries(
        actor_id=actor_id, branch_id=branch_id, overdue=True, limit=OVERDUE_SHOWN, **filters
    )
    return {"total": found["total"], "entries": found["entries"]}


def dashboard(ctx, actor_id: str, branch_id: str, year: int) -> dict[str, Any]:
    """GET /branches/{branch_id}/dashboard."""
    return {
        **summary(ctx, actor_id, branch_id, year),
        "overdue_list": overdue_list(ctx, actor_id, branch_id),
        "appraisal": appraisal.status(ctx, actor_id, branch_id),
    }


def group_view(ctx, actor_id: str, branch_id: str, group_id: str, year: int) -> dict[str, Any]:
    """GET /branches/{branch_id}/groups/{group_id}/view: the group's items, meetings, members."""
    ledger = ctx.rpc("ledger")
    branch = ledger.branch(actor_id=actor_id, branch_id=branch_id)
    group = next((g for g in branch["groups"] if g["group_id"] == group_id), None)
    if group is None:
        raise not_found("group")
    asked = {"actor_id": actor_id, "branch_id": branch_id, "year": year}
    org_life, study_log, measured = ctx.gather(
        [
            ("ledger", "org_life", asked),
            ("ledger", "study_log", asked),
            ("ledger", "branch_measures", {**asked, "group_id": group_id}),
        ]
    )
    names = {m["member_id"]: m["name"] for m in branch["members"]}
    owners = {m["member_id"]: m for m in measured["members"]}
    return {
        "branch_id": branch_id,
        "group_id": group_id,
        "name": group["name"],
        "year": year,
        "today": measured["today"],
        "completion": measured["completion"],
        "overdue_list": overdue_list(ctx, actor_id, branch_id, group_id=group_id),
        "meetings": measures.meetings(org_life, group_id),
        "study": measures.study(study_log, group["members"]),
        "members": [
            {
                "member_id": member,
                "name": names.get(member, ""),
                "completion": owners.get(member, {}).get("rate"),
                "overdue": owners.get(member, {}).get("overdue", 0),
                "study": measures.study(study_log, [member])["rate"],
            }
            for member in group["members"]
        ],
    }


def member_view(ctx, actor_id: str, branch_id: str, member_id: str, year: int) -> dict:
    """GET /branches/{branch_id}/members/{member_id}/view: my items, my study, my measures."""
    asked = {"actor_id": actor_id, "branch_id": branch_id}
    window = {"member_id": member_id, "start": f"{year}-01-01", "end": f"{year}-12-31"}
    study_log, measured, completion = ctx.gather(
        [
            ("ledger", "study_log", {**asked, "year": year, "member_id": member_id}),
            ("ledger", "member_measures", {**asked, **window}),
            ("ledger", "branch_measures", {**asked, "year": year, "owner_id": member_id}),
        ]
    )
    rows = every(ctx, actor_id, branch_id, owner_id=member_id, **_year(year))["entries"]
    months = study_log["members"][0]["months"] if study_log["members"] else []
    return {
        "branch_id": branch_id,
        "member_id": member_id,
        "year": year,
        "today": completion["today"],
        "completion": completion["completion"],
        "items": rows,
        "overdue": [e for e in rows if e["overdue"]],
        "study": {**measures.study(study_log), "months": months},
        "measures": measured,
        **personal.sections(ctx, actor_id, branch_id, member_id),
    }


def overview(ctx, actor_id: str, institution_id: str, year: int) -> dict[str, Any]:
    """GET /institutions/{institution_id}/overview: the branches side by side, ranked."""
    institution, measured = ctx.gather(
        [
            ("ledger", "institution", {"institution_id": institution_id}),
            (
                "ledger",
                "institution_measures",
                {"actor_id": actor_id, "institution_id": institution_id, "year": year},
            ),
        ]
    )
    completions = {
        b["branch_id"]: {"today": measured["today"], "completion": b["completion"]}
        for b in measured["branches"]
    }
    pile = GreenPile(max(len(institution["branches"]), 1))
    for branch in institution["branches"]:
        branch_id = branch["branch_id"]
        pile.spawn(summary, ctx, actor_id, branch_id, year, completions.get(branch_id))
    names = {b["branch_id"]: b["name"] for b in institution["branches"]}
    summaries = [{**s, "name": names[s["branch_id"]]} for s in pile]
    return {
        "institution_id": institution_id,
        "name": institution["name"],
        "year": year,
        "branches": measures.rank(summaries),
    }
