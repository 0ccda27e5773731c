"""The appraisal's capabilities over HTTP (see services/appraisal/service.py), its branch's cycle
list and the exports. A cycle is reached under its branch: one of another branch is not found.

The rules follow the appraisal's own: who runs the branch opens, reopens and finalises; members
write their self and peer reviews; group leaders and the branch's officers comment (the
appraisal checks it is theirs to write). A peer review is sent as anonymous (Endpoint.anonymous)
whatever its cycle's mode: the gateway keeps nothing that ties it to its author, and the
appraisal alone writes the reviewer into an open cycle's review.
"""

from __future__ import annotations

from services.appraisal.schemas import commands as cs
from services.appraisal.schemas import queries as qs

from ..access import (
    branch_admin,
    branch_member,
    commentator,
    member_or_admin,
    member_or_secretary,
    reader,
)
from ..schemas import appraisal as a
from ..schemas import requests as q
from ..views import appraisal_exports as exports
from ..views.sheets import XLSX
from .base import commands, query, route

B = "/branches/{branch_id}"
CYCLES = B + "/appraisal/cycles"
CYCLE = CYCLES + "/{cycle_id}"
MEMBER = B + "/members/{member_id}"
ON = {"service": "appraisal", "tag": "appraisal"}
EXPORT = {"tag": "exports"}

# Where each of the appraisal's commands (its command table) is reached, and who may send it.
ROUTES = {
    "open_cycle": route(
        CYCLES,
        branch_admin,
        "Open an appraisal cycle: its period, peer scope and mode (anonymous or open), a window"
        " per step, weights, grades",
    ),
    "submit_self_review": route(
        CYCLE + "/self-review",
        branch_member,
        "Submit your self review: scores on the four dimensions and the problems you found",
    ),
    "submit_peer_review": route(
        CYCLE + "/peer-reviews",
        branch_member,
        "Submit a peer review of a member of your group (or branch): anonymous, or in an open"
        " cycle under your name",
        anonymous=True,
    ),
    "submit_leader_comment": route(
        CYCLE + "/members/{member_id}/leader-comment",
        commentator,
        "Comment on a member, with a score and the rectifications asked of them",
    ),
    "reopen_review": route(
        CYCLE + "/reopen",
        branch_admin,
        "Reopen a submitted review, with the reason (a peer review by its review_id only)",
    ),
    "finalise_cycle": route(
        CYCLE + "/finalise",
        branch_admin,
        "Finalise the cycle: measures from the ledger, every member's score and grade",
    ),
}
COMMANDS = commands(cs.COMMANDS, ROUTES, **ON)

QUERIES = [
    query(
        "appraisal_cycles",
        CYCLES,
        reader,
        qs.CyclesQuery,
        a.Cycles(),
        "The branch's appraisal cycles, newest first",
        call="list_cycles",
        **ON,
    ),
    query(
        "cycle",
        CYCLE,
        reader,
        qs.CycleQuery,
        a.Cycle(),
        "A cycle: its plan, and per step its window and the reviews expected and missing",
        **ON,
    ),
    query(
        "my_reviews",
        CYCLE + "/my-reviews",
        branch_member,
        qs.CycleQuery,
        a.MyReviews(),
        "What you have submitted in the cycle, and what you still owe",
        **ON,
    ),
    query(
        "results",
        CYCLE + "/results",
        reader,
        qs.CycleQuery,
        a.Results(),
        "Scores, grades and breakdowns (yours only, unless you run the branch)",
        **ON,
    ),
    query(
        "peer_reviews_about",
        CYCLE + "/members/{member_id}/peer-reviews",
        member_or_secretary,
        qs.MemberCycleQuery,
        a.PeerReviewsAbout(),
        "The peer reviews a member received: an anonymous cycle's once peer review has closed,"
        " without their authors; an open cycle's with who wrote each",
        **ON,
    ),
    query(
        "archive",
        MEMBER + "/archive",
        member_or_admin,
        qs.ArchiveQuery,
        a.Archive(),
        "A member's performance archive: every cycle's score with its evidence, rectifications",
        **ON,
    ),
]

EXPORTS = [
    query(
        "export_results_csv",
        CYCLE + "/exports/results.csv",
        reader,
        q.NoQuery,
        None,
        "A cycle's results with their breakdowns as CSV",
        call=exports.results_csv,
        content="text/csv",
        **EXPORT,
    ),
    query(
        "export_results_xlsx",
        CYCLE + "/exports/results.xlsx",
        reader,
        q.NoQuery,
        None,
        "A cycle's results with their breakdowns as an Excel workbook",
        call=exports.results_xlsx,
        content=XLSX,
        **EXPORT,
    ),
    query(
        "export_archive_csv",
        MEMBER + "/exports/archive.csv",
        member_or_admin,
        q.NoQuery,
        None,
        "A member's archive as CSV: a row per cycle",
        call=exports.archive_csv,
        content="text/csv",
        **EXPORT,
    ),
    query(
        "export_archive_xlsx",
        MEMBER + "/exports/archive.xlsx",
        member_or_admin,
        q.NoQuery,
        None,
        "A member's archive as an Excel workbook: cycles and rectifications",
        call=exports.archive_xlsx,
        content=XLSX,
        **EXPORT,
    ),
]

ENDPOINTS = COMMANDS + QUERIES + EXPORTS
