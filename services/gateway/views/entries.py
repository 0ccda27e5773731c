"""The ledger as a list: a page of entries (now, or as of a past day), and every entry at once.

Now, the ledger's `list_entries` pages and filters. As of a day, `ledger_as_of` folds each item's
history up to that day and answers one level (member with owner_id, group with group_id, else
branch); the other filters and the page are applied here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..errors import bad_input

PAGE = 500  # the ledger's largest page
# Pages asked at once: enough to hide the round trips, few enough that a branch of a million
# entries does not hold the ledger's workers all at once.
PAGES_AT_ONCE = 8
LOCAL_FILTERS = ("kind", "cadence", "status", "period", "overdue")


def plain(values: dict[str, Any]) -> dict[str, Any]:
    """Arguments for an RPC: no empty ones, dates as ISO strings."""
    return {
        k: v.isoformat() if isinstance(v, date) else v for k, v in values.items() if v is not None
    }


def page(ctx, actor_id: str, branch_id: str, as_of: date | None = None, **filters) -> dict:
    if as_of is not None:
        return _as_of(ctx, actor_id, branch_id, as_of, **filters)
    ledger = ctx.rpc("ledger")
    return ledger.list_entries(actor_id=actor_id, branch_id=branch_id, **plain(filters))


def every(ctx, actor_id: str, branch_id: str, as_of: date | None = None, **filters) -> dict:
    """Every matching entry, never cut: the first page, then the others a few at a time."""
    if as_of is not None:
        return _as_of(ctx, actor_id, branch_id, as_of, limit=None, offset=0, **filters)
    args = {"actor_id": actor_id, "branch_id": branch_id, **plain(filters), "limit": PAGE}
    first = ctx.rpc("ledger").list_entries(**args, offset=0)
    entries = list(first["entries"])
    offsets = list(range(PAGE, first["total"], PAGE))
    for at in range(0, len(offsets), PAGES_AT_ONCE):
        calls = [
            ("ledger", "list_entries", {**args, "offset": offset})
            for offset in offsets[at : at + PAGES_AT_ONCE]
        ]
        entries += [e for answer in ctx.gather(calls) for e in answer["entries"]]
    return {**first, "limit": len(entries), "entries": entries}


def _as_of(
    ctx, actor_id, branch_id, as_of: date, limit: int | None, offset: int, **filters
) -> dict:
    """`limit` None: every entry."""
    owner_id, group_id = filters.get("owner_id"), filters.get("group_id")
    level = "member" if owner_id else "group" if group_id else "branch"
    if filters.get("level") not in (None, level):
        raise bad_input(
            {"level": [f"as of a day, the level follows owner_id or group_id: {level}"]}
        )
    unsupported = [name for name in ("goal_id", "due_from", "due_to") if filters.get(name)]
    if unsupported:
        raise bad_input({name: ["not available with as_of"] for name in unsupported})
    answer = ctx.rpc("ledger").ledger_as_of(
        **plain({"actor_id": actor_id, "branch_id": branch_id, "as_of": as_of}),
        **plain({"owner_id": owner_id, "group_id": group_id}),
    )
    rows = [
        {"group_id": group_id, **entry, "level": level, "branch_id": branch_id}
        for entry in answer["entries"]
        if all(filters.get(k) is None or entry[k] == filters[k] for k in LOCAL_FILTERS)
    ]
    return {
        "total": len(rows),
        "limit": len(rows) if limit is None else limit,
        "offset": offset,
        "today": answer["as_of"],
        "as_of": answer["as_of"],
        "entries": rows[offset:] if limit is None else rows[offset : offset + limit],
    }


def entries(ctx, actor_id: str, branch_id: str, **query) -> dict:
    """GET /branches/{branch_id}/entries."""
    return page(ctx, actor_id, branch_id, **query)
