"""Who still owes which step of a cycle. Pure.

Both the aggregate (to refuse finalising with reviews missing) and the queries (reminders, the
cycle's status) ask this, from the reviews that stand: a reopened review is owed again. Peer
reviews are known only by review id, so a member's debts are found by recomputing the ids of
their reviews with the key — the only way back from a reviewer to their reviews.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cycle import Cycle
from .pseudonym import review_ids
from .roster import Roster


@dataclass(frozen=True)
class Submitted:
    """What stands in a cycle: self reviews and commentary by member, peer reviews by review id."""

    self_reviews: frozenset[str] = frozenset()
    peer_reviews: frozenset[str] = frozenset()
    leader_comments: frozenset[str] = frozenset()

    @classmethod
    def of(cls, cycle: Cycle) -> Submitted:
        return cls(
            frozenset(cycle.locked("self_review")),
            frozenset(cycle.locked("peer_review")),
            frozenset(cycle.locked("leader_review")),
        )


@dataclass(frozen=True)
class Progress:
    cycle_id: str
    peer_scope: str
    roster: Roster
    submitted: Submitted
    key: bytes

    def owed_reviews(self, member_id: str) -> list[str]:
        """The reviewees a member has not (or no longer) reviewed."""
        return [
            peer
            for peer in self.roster.peers(member_id, self.peer_scope)
            if self.submitted.peer_reviews.isdisjoint(
                review_ids(self.key, self.cycle_id, member_id, peer)
            )
        ]

    def pending(self, step: str) -> list[str]:
        """Who has not done a step: members for reviews, leaders for commentary."""
        members = sorted(self.roster.members)
        if step == "self_review":
            return [m for m in members if m not in self.submitted.self_reviews]
        if step == "peer_review":
            return [m for m in members if self.owed_reviews(m)]
        if step == "leader_review":
            owed = [m for m in members if m not in self.submitted.leader_comments]
            return sorted({leader for m in owed for leader in self.roster.commentators(m)})
        return sorted(w for w, role, _ in self.roster.roles if role == "secretary")

    def expected(self, step: str) -> int:
        if step == "peer_review":
            members = self.roster.members
            return sum(len(self.roster.peers(m, self.peer_scope)) for m in members)
        return len(self.roster.members)

    def missing(self) -> dict[str, int]:
        """Reviews still owed by the branch's current members, per review step."""
        members = sorted(self.roster.members)
        return {
            "self_review": len(self.pending("self_review")),
            "peer_review": sum(len(self.owed_reviews(m)) for m in members),
            "leader_review": sum(m not in self.submitted.leader_comments for m in members),
        }


def progress_of(cycle: Cycle, roster: Roster, key: bytes) -> Progress:
    return Progress(cycle.cycle_id, cycle.plan["peer_scope"], roster, Submitted.of(cycle), key)
