"""评议: a member's reviews to write (self, peer: anonymous, or under their name in an open
cycle), leaders' commentary, results and the archive; opening and finalising a cycle for who
runs the branch."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from werkzeug.wrappers import Response

from services.common.labels import DIMENSION
from services.common.periods import period_key

from ...errors import HttpError
from ..page import Page

RECTIFICATION_ROWS = 3
STEPS = ("self_review", "peer_review", "leader_review", "finalisation")
CHINA = timezone(timedelta(hours=8))  # windows given as days are days of the branch's people


def overview(page: Page, branch_id: str) -> Response:
    """Every cycle of the branch: what the caller owes in the open ones, the results of the
    finalised ones, and for who runs the branch each step's progress."""
    cycles = page.api("appraisal_cycles", branch_id=branch_id)["cycles"]
    member = page.is_member(branch_id)
    runs = page.runs(branch_id)
    me = page.me()["person_id"]
    shown = []
    for cycle in cycles:
        path = {"branch_id": branch_id, "cycle_id": cycle["cycle_id"]}
        open_ = cycle["status"] == "open"
        shown.append(
            {
                **cycle,
                "mine": page.api("my_reviews", **path) if open_ and member else None,
                "plan": page.api("cycle", **path) if open_ and runs else None,
                "results": None if open_ else page.api("results", **path),
                # an anonymous cycle's once it is finalised; an open cycle's as they come
                "received": page.api("peer_reviews_about", **path, member_id=me)
                if member and (not open_ or cycle["peer_mode"] == "open")
                else None,
            }
        )
    return page.render(
        "appraisal.html",
        branch_id=branch_id,
        cycles=shown,
        member=member,
        runs=runs,
        names=page.names(branch_id),
        members=page.api("branch", branch_id=branch_id)["members"] if runs else [],
        dimensions=DIMENSION,
        choices=cycle_choices(date.today().year),
        default_period=period_key("quarterly", date.today()),
    )


def cycle_choices(year: int) -> list[dict[str, str]]:
    """The cycles a secretary may open, by name: this year's and next year's quarters, halves
    and year's end."""
    return [
        {"kind": kind, "period": key}
        for y in (year, year + 1)
        for kind, keys in (
            ("quarterly", [f"{y}-Q{n}" for n in range(1, 5)]),
            ("half_year", [f"{y}-H1", f"{y}-H2"]),
            ("year_end", [str(y)]),
        )
        for key in keys
    ]


def _scores(page: Page) -> dict[str, Any]:
    return {name: page.form.get(name, "") for name in DIMENSION}


def self_review(page: Page, branch_id: str, cycle_id: str) -> Response:
    fields = {"scores": _scores(page), "problems": page.form.get("problems", "")}
    return page.perform("submit_self_review", fields, branch_id=branch_id, cycle_id=cycle_id)


def peer_form(page: Page, branch_id: str, cycle_id: str, reviewee_id: str) -> Response:
    mine = page.api("my_reviews", branch_id=branch_id, cycle_id=cycle_id)
    owed = {p["reviewee_id"]: p for p in mine["peer_reviews"]}
    if reviewee_id not in owed:
        raise HttpError(404, "not_found", "not yours to review")
    cycle = page.api("cycle", branch_id=branch_id, cycle_id=cycle_id)
    return page.render(
        "peer_review.html",
        branch_id=branch_id,
        cycle_id=cycle_id,
        open_mode=cycle["peer_mode"] == "open",
        reviewee_id=reviewee_id,
        review=owed[reviewee_id],
        names=page.names(branch_id),
        dimensions=DIMENSION,
    )


def peer_review(page: Page, branch_id: str, cycle_id: str, reviewee_id: str) -> Response:
    fields = {"reviewee_id": reviewee_id, "scores": _scores(page)}
    if page.form.get("comments", "").strip():
        fields["comments"] = page.form["comments"]
    return page.perform("submit_peer_review", fields, branch_id=branch_id, cycle_id=cycle_id)


def comment_form(page: Page, branch_id: str, cycle_id: str, member_id: str) -> Response:
    return page.render(
        "leader_comment.html",
        branch_id=branch_id,
        cycle_id=cycle_id,
        member_id=member_id,
        names=page.names(branch_id),
        rows=range(RECTIFICATION_ROWS),
    )


def leader_comment(page: Page, branch_id: str, cycle_id: str, member_id: str) -> Response:
    form = page.form
    rectifications = [
        {"title": form.get(f"r{n}_title", ""), "due_date": form.get(f"r{n}_due", "")}
        for n in range(RECTIFICATION_ROWS)
        if form.get(f"r{n}_title", "").strip()
    ]
    fields = {
        "score": form.get("score", ""),
        "comment": form.get("comment", ""),
        "rectifications": rectifications,
    }
    path = {"branch_id": branch_id, "cycle_id": cycle_id, "member_id": member_id}
    return page.perform("submit_leader_comment", fields, **path)


def _window(opens: str, closes: str) -> dict[str, str] | str:
    """A window from two days: from the start of the first to the end of the second."""
    try:
        start = datetime.combine(date.fromisoformat(opens), time(0), CHINA)
        end = datetime.combine(date.fromisoformat(closes), time(23, 59), CHINA)
    except ValueError:
        return ""  # refused by the schema, which names the field
    return {"opens_at": start.isoformat(), "closes_at": end.isoformat()}


def open_cycle(page: Page, branch_id: str) -> Response:
    form = page.form
    window = _window(form.get("opens_on", ""), form.get("closes_on", ""))
    kind, _, key = form.get("cycle", "").partition(":")
    fields = {
        "kind": kind,
        "period": key,
        "peer_scope": form.get("peer_scope", "group"),
        "peer_mode": form.get("peer_mode", "anonymous"),
        "windows": {step: window for step in STEPS},
    }
    return page.perform("open_cycle", fields, branch_id=branch_id)


def reopen(page: Page, branch_id: str, cycle_id: str) -> Response:
    """A self review or a leader's commentary sent back to be written again, with the reason
    (a peer review is reopened by its id, through the API: the page shows no reviewer)."""
    fields = {
        "step": page.form.get("step", ""),
        "member_id": page.form.get("member_id", ""),
        "reason": page.form.get("reason", "").strip(),
    }
    return page.perform("reopen_review", fields, branch_id=branch_id, cycle_id=cycle_id)


def finalise(page: Page, branch_id: str, cycle_id: str) -> Response:
    reason = page.form.get("missing_reviews_reason", "").strip()
    fields = {"missing_reviews_reason": reason} if reason else {}
    return page.perform("finalise_cycle", fields, branch_id=branch_id, cycle_id=cycle_id)


def archive(page: Page, branch_id: str) -> Response:
    member = page.request.args.get("member") or page.me()["person_id"]
    found = page.api("archive", branch_id=branch_id, member_id=member)
    return page.render(
        "archive.html",
        branch_id=branch_id,
        member_id=member,
        archive=found,
        names=page.names(branch_id),
    )
