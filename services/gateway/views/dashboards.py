"""The aggregated views, one request each: branch dashboard, group, member, institution overview.

Each asks the ledger for what it needs at once (in parallel green threads) and composes the
answers; it computes no measure. Every figure is the ledger's own (domain/measures.py there):
a branch's or a group's summary (`branch_summary`), the institution's branches ranked
(`institution_summaries`), an owner's completion (`branch_measures`), the same counters its
`member_measures` gives the appraisal. The dashboard adds the appraisal's open cycles
(views/appraisal.py); the member view adds the person's archive, reviews owed and inbox
(views/personal.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..errors import not_found
from . import appraisal, personal
from .entries import every

OVERDUE_SHOWN = 20


def _year(year: int) -> dict[str, date]:
    return {"due_from": date(year, 1, 1), "due_to": date(year, 12, 31)}


def summary(ctx, actor_id: str, branch_id: str, year: int) -> dict[str, Any]:
    """A branch's measures for the year: what the dashboard leads with."""
    return ctx.rpc("ledger").branch_summary(actor_id=actor_id, branch_id=branch_id, year=year)


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
    asked = {"actor_id": actor_id, "branch_id": branch_id}
    branch, measured = ctx.gather(
        [
            ("ledger", "branch", asked),
            ("ledger", "branch_summary", {**asked, "year": year, "group_id": group_id}),
        ]
    )
    group = next((g for g in branch["groups"] if g["group_id"] == group_id), None)
    if group is None:
        raise not_found("group")
    return {
        **measured,
        "group_id": group_id,
        "name": group["name"],
        "overdue_list": overdue_list(ctx, actor_id, branch_id, group_id=group_id),
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
        "study": {**study_log["measures"], "months": months},
        "measures": measured,
        **personal.sections(ctx, actor_id, branch_id, member_id),
    }


def overview(ctx, actor_id: str, institution_id: str, year: int) -> dict[str, Any]:
    """GET /institutions/{institution_id}/overview: the branches side by side, ranked."""
    return ctx.rpc("ledger").institution_summaries(
        actor_id=actor_id, institution_id=institution_id, year=year
    )
