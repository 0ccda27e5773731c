"""A branch's people as the appraisal sees them, and who may do what in a cycle. Pure.

The roster comes from the appraisal's read model of the ledger's branch and institution streams;
the service checks every command against it rather than trusting the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from services.common.periods import DEFAULT_TIMEZONE
from services.common.roles import (
    ADMIN_NEEDS,
    BRANCH_ADMIN,
    COMMITTEE_MEMBER,
    GROUP_LEADER,
    SECRETARY,
)

from ..exceptions import Forbidden


@dataclass(frozen=True)
class Roster:
    branch_id: str
    institution_id: str | None = None
    members: Mapping[str, str | None] = field(default_factory=dict)  # active member → group
    roles: frozenset[tuple[str, str, str | None]] = frozenset()  # (member, role, group)
    committee: frozenset[str] = frozenset()  # the institution committee
    timezone: str = DEFAULT_TIMEZONE  # the institution's: its day judges due dates

    def holds(self, who: str, role: str, group_id: str | None = None) -> bool:
        return (who, role, group_id) in self.roles

    def admin(self, who: str) -> bool:
        return who in self.committee or any(self.holds(who, role) for role in BRANCH_ADMIN)

    def peers(self, member_id: str, scope: str) -> list[str]:
        """Whom a member reviews: the others in their group, or in the whole branch."""
        group = self.members.get(member_id)
        return sorted(
            other
            for other, their_group in self.members.items()
            if other != member_id and (scope == "branch" or their_group == group)
        )

    def commentators(self, member_id: str) -> list[str]:
        """Who owes a member's commentary: their group's leader, else the secretary.

        Nobody comments on themself: a secretary's own commentary falls to the committee members.
        """
        group = self.members.get(member_id)
        for role, role_group in ((GROUP_LEADER, group), (SECRETARY, None)):
            found = sorted(
                who
                for who, r, g in self.roles
                if r == role and g == role_group and who != member_id
            )
            if found:
                return found
        return sorted(w for w, r, _ in self.roles if r == COMMITTEE_MEMBER and w != member_id)

    def may_comment(self, who: str, member_id: str) -> bool:
        return who != member_id and (
            self.holds(who, SECRETARY) or who in self.commentators(member_id)
        )


def require(allowed: bool, needs: str) -> None:
    if not allowed:
        raise Forbidden(f"this needs the role: {needs}")


def require_admin(roster: Roster, actor_id: str) -> None:
    require(roster.admin(actor_id), ADMIN_NEEDS)


def require_member(roster: Roster, actor_id: str) -> None:
    require(actor_id in roster.members, f"member of branch {roster.branch_id}")
