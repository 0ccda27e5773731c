"""What a member's view adds about the person: their performance archive, the reviews they still
owe in open cycles, and their inbox.

Each part is there for who may see it, else null: the archive for the member and those who run
their branch (the appraisal narrows it further), the reviews owed and the inbox for the member
alone — the appraisal and notify answer those only to the person themself.
"""

from __future__ import annotations

from typing import Any

from eventlet.greenpool import GreenPile

from ..errors import RemoteCallError
from .appraisal import open_cycles

LATEST = 5  # inbox reminders shown in the member view


def sections(ctx, actor_id: str, branch_id: str, member_id: str) -> dict[str, Any]:
    """The three parts, asked at once; null where the caller may not see them."""
    themself = actor_id == member_id
    shown = {
        "archive": themself or ctx.who.administers(branch_id),
        "reviews_owed": themself,
        "inbox": themself,
    }
    asked = [name for name, show in shown.items() if show]
    pile = GreenPile(max(len(asked), 1))
    for name in asked:
        pile.spawn(PARTS[name], ctx, actor_id, branch_id, member_id)
    answers = dict(zip(asked, pile, strict=True))
    return {name: answers.get(name) for name in shown}


def _archive(ctx, actor_id: str, branch_id: str, member_id: str) -> dict[str, Any] | None:
    try:
        return ctx.rpc("appraisal").archive(actor_id=actor_id, member_id=member_id)
    except RemoteCallError as error:
        if error.exc_type == "Forbidden":  # cycles of branches the caller does not run
            return None
        raise


def _owed(ctx, actor_id: str, branch_id: str, member_id: str) -> list[dict[str, Any]]:
    """Per open cycle of the branch, what the member has not submitted yet."""
    found = open_cycles(ctx, actor_id, branch_id)
    asked = [
        ("appraisal", "my_reviews", {"actor_id": actor_id, "cycle_id": c["cycle_id"]})
        for c in found
    ]
    owed = []
    for cycle, mine in zip(found, ctx.gather(asked), strict=True):
        owed.append(
            {
                **{key: cycle[key] for key in ("cycle_id", "kind", "period", "windows")},
                "self_review": mine["self_review"]["status"] != "submitted",
                "peer_reviews": _still_owed(mine["peer_reviews"], "reviewee_id"),
                "leader_reviews": _still_owed(mine["leader_reviews"], "member_id"),
            }
        )
    return owed


def _still_owed(reviews: list[dict[str, Any]], key: str) -> list[str]:
    return [review[key] for review in reviews if review["status"] != "submitted"]


def _inbox(ctx, actor_id: str, branch_id: str, member_id: str) -> dict[str, Any]:
    inbox = ctx.rpc("notify").inbox(actor_id=actor_id, unread_only=False, limit=LATEST, offset=0)
    return {"unread": inbox["unread"], "latest": inbox["items"]}


PARTS = {"archive": _archive, "reviews_owed": _owed, "inbox": _inbox}
