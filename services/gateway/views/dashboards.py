"""The aggregated views, one request each: branch dashboard, group, member, institution overview.

Each asks the ledger for what it needs at once (in parallel green threads) and reduces the
answers with views/measures.py, so every view reports the same measures the same way. The
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


def summary(ctx, actor_id: str, branch_id: str, year: int) -> dict[str, Any]:
    """A branch's measures for the year: what the dashboard leads with and the overview ranks."""
    asked = {"actor_id": actor_id, "branch_id": branch_id, "year": year}
    goal_set, org_life, study_log = ctx.gather(
        [("ledger", call, asked) for call in ("goal_set", "org_life", "study_log")]
    )
    entries = every(ctx, actor_id, branch_id, **_year(year))
    return {
        "branch_id": branch_id,
        "year": year,
        "today": entries["today"],
        "completion": measures.completion(entries["entries"], entries["today"]),
        "overdue": sum(bool(e["overdue"]) for e in entries["entries"]),
        "meetings": measures.meetings(org_life),
        "study": measures.study(study_log),
        "goals": measures.goals(goal_set),
    }


def _overdue(ctx, actor_id: str, branch_id: str, **filters) -> dict[str, Any]:
    found = ctx.rpc("ledger").list_entries(
        actor_id=actor_id, branch_id=branch_id, overdue=True, limit=OVERDUE_SHOWN, **filters
    )
    return {"total": found["total"], "entries": found["entries"]}


def dashboard(ctx, actor_id: str, branch_id: str, year: int) -> dict[str, Any]:
    """GET /branches/{branch_id}/dashboard."""
    return {
        **summary(ctx, actor_id, branch_id, year),
        "overdue_list": _overdue(ctx, actor_id, branch_id),
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
    org_life, study_log = ctx.gather([("ledger", c, asked) for c in ("org_life", "study_log")])
    entries = every(ctx, actor_id, branch_id, group_id=group_id, **_year(year))
    today, rows = entries["today"], entries["entries"]
    names = {m["member_id"]: m["name"] for m in branch["members"]}
    return {
        "branch_id": branch_id,
        "group_id": group_id,
        "name": group["name"],
        "year": year,
        "today": today,
        "completion": measures.completion(rows, today),
        "overdue_list": _overdue(ctx, actor_id, branch_id, group_id=group_id),
        "meetings": measures.meetings(org_life, group_id),
        "study": measures.study(study_log, group["members"]),
        "members": [
            {
                "member_id": member,
                "name": names.get(member, ""),
                "completion": measures.completion(
                    [e for e in rows if e["owner_id"] == member], today
                )["rate"],
                "overdue": sum(bool(e["overdue"]) for e in rows if e["owner_id"] == member),
                "study": measures.study(study_log, [member])["rate"],
            }
            for member in group["members"]
        ],
    }


def member_view(ctx, actor_id: str, branch_id: str, member_id: str, year: int) -> dict:
    """GET /branches/{branch_id}/members/{member_id}/view: my items, my study, my measures."""
    asked = {"actor_id": actor_id, "branch_id": branch_id}
    study_log, measured = ctx.gather(
        [
            ("ledger", "study_log", {**asked, "year": year, "member_id": member_id}),
            (
                "ledger",
                "member_measures",
                {**asked, "member_id": member_id, "start": f"{year}-01-01", "end": f"{year}-12-31"},
            ),
        ]
    )
    entries = every(ctx, actor_id, branch_id, owner_id=member_id, **_year(year))
    rows = entries["entries"]
    months = study_log["members"][0]["months"] if study_log["members"] else []
    return {
        "branch_id": branch_id,
        "member_id": member_id,
        "year": year,
        "today": entries["today"],
        "completion": measures.completion(rows, entries["today"]),
        "items": rows,
        "overdue": [e for e in rows if e["overdue"]],
        "study": {**measures.study(study_log), "months": months},
        "measures": measured,
        **personal.sections(ctx, actor_id, branch_id, member_id),
    }


def overview(ctx, actor_id: str, institution_id: str, year: int) -> dict[str, Any]:
    """GET /institutions/{institution_id}/overview: the branches side by side, ranked."""
    institution = ctx.rpc("ledger").institution(institution_id=institution_id)
    pile = GreenPile(max(len(institution["branches"]), 1))
    for branch in institution["branches"]:
        pile.spawn(summary, ctx, actor_id, branch["branch_id"], year)
    names = {b["branch_id"]: b["name"] for b in institution["branches"]}
    summaries = [{**s, "name": names[s["branch_id"]]} for s in pile]
    return {
        "institution_id": institution_id,
        "name": institution["name"],
        "year": year,
        "branches": measures.rank(summaries),
    }
