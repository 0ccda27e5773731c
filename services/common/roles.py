"""One vocabulary of the organisation's roles, and of an occurrence's life, for every service.

The ledger decides who holds which role and moves occurrences from status to status; the
appraisal, notify and the gateway check the same roles and follow the same statuses from its
events. Each rule is written here once: a service that checks "runs the branch" or "is
finished" asks this module, and the Chinese for each code is services/common/labels.py's.
"""

from __future__ import annotations

from collections.abc import Iterable

# Roles in a branch (a person may hold several; a group leader's is tied to their group).
SECRETARY = "secretary"
FULL_TIME_OFFICER = "full_time_officer"
LEADERSHIP_MEMBER = "leadership_member"
COMMITTEE_MEMBER = "committee_member"
GROUP_LEADER = "group_leader"
BRANCH_ROLES = (SECRETARY, FULL_TIME_OFFICER, LEADERSHIP_MEMBER, COMMITTEE_MEMBER, GROUP_LEADER)
# Above every branch of an institution: not a role in a branch, a seat on its committee.
INSTITUTION_COMMITTEE = "institution_committee"

# Who runs a branch (plans and manages its ledger, opens its cycles, sets its reminders), beside
# the institution committee, which may act in every branch of the institution.
BRANCH_ADMIN = (SECRETARY, COMMITTEE_MEMBER)
ADMIN_NEEDS = f"{' or '.join(BRANCH_ADMIN)} of the branch, or {INSTITUTION_COMMITTEE}"

# Which role each of a goal's four responsibilities needs (urging: any of the listed roles).
RESPONSIBILITY_ROLES = {
    "primary": (SECRETARY,),
    "supervision": (FULL_TIME_OFFICER,),
    "coordination": (LEADERSHIP_MEMBER,),
    "urging": (COMMITTEE_MEMBER, GROUP_LEADER),
}


def runs_branch(roles: Iterable[str], committee: bool = False) -> bool:
    """Whether someone holding `roles` in a branch (or on its institution's committee) runs it."""
    return committee or any(role in BRANCH_ADMIN for role in roles)


# An occurrence of a ledger item: planned → in_progress → done; cancelled (with a reason) before
# it is done; reopened from done or cancelled back to in_progress. "Overdue" is never a status:
# it is computed from the due date and a clock.
PLANNED, IN_PROGRESS, DONE, CANCELLED = "planned", "in_progress", "done", "cancelled"
STATUSES = (PLANNED, IN_PROGRESS, DONE, CANCELLED)
OPEN = (PLANNED, IN_PROGRESS)
FINISHED = (DONE, CANCELLED)
# The ledger's status changes, by the event that records each: the statuses it may start from,
# and where it leads.
TRANSITIONS = {
    "ItemStarted": ((PLANNED,), IN_PROGRESS),
    "ItemCompleted": ((IN_PROGRESS,), DONE),
    "ItemCancelled": (OPEN, CANCELLED),
    "ItemReopened": (FINISHED, IN_PROGRESS),
}


def status_after(event_type: str) -> str:
    """The status an occurrence has after the status change `event_type`."""
    return TRANSITIONS[event_type][1]
