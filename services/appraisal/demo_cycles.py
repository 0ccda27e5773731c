"""A branch's demo appraisal, written through the command handlers (seeded: the same every run
on the same day).

Two quarterly cycles, each appraised in the weeks after its quarter, as branches do: the quarter
before last, its peer review anonymous, finalised with the ledger's measures (one member on sick
leave wrote no reviews, and the secretary says so); and the last quarter, its peer review open
(each names its author to the reviewee), whose review windows opened days ago and stay open for
days to come, with part of its reviews in. Every command is dated in the past, inside its
step's window, and the steps follow each other: self reviews, then peer, then leader reviews.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.common.periods import DEFAULT_TIMEZONE, add_months, period_bounds, period_key

from .domain import commands as c
from .domain.cycle import DEFAULT_BANDS, DEFAULT_WEIGHTS, DIMENSIONS, STEPS, Window
from .domain.roster import Roster
from .handlers import cycles, reviews
from .handlers.common import Context

ZONE = ZoneInfo(DEFAULT_TIMEZONE)  # the demo institution's
PROBLEMS = (
    "理论学习不够系统，学用结合有差距",
    "联系群众不够紧密，调查研究不够深入",
    "批评与自我批评开展得不够经常",
    "抓工作落实的韧劲不足",
)
PEER_COMMENTS = ("工作认真负责，业务熟练", "积极参加组织生活", "乐于帮助同事", "可加强理论学习")
LEADER_COMMENTS = (
    "履职尽责，表现突出",
    "工作扎实，要在创新上再下功夫",
    "学习有进步，要多联系群众",
    "作风务实，发挥了带头作用",
)
RECTIFICATIONS = ("系统学习党章党规，撰写心得体会", "制定联系群众计划并落实", "开展一次专题调研")
ON_LEAVE = "1 名党员休病假，未参加自评和互评"

# One sitting: a handler and the commands one person gives it, one after another.
Sitting = tuple[Callable[..., Any], list[Any]]


@dataclass(frozen=True)
class Schedule:
    """A cycle's days, counted from an anchor day: when it opens, each step's window (opens,
    closes), the days its self, peer and leader reviews are written on, when a rectification
    raised in it falls due, and when it is finalised (None: not yet)."""

    opened: int
    windows: tuple[tuple[int, int], ...]
    writing: tuple[tuple[int, int], ...]
    rectification_due: int
    finalised: int | None


# From the first day of the last quarter: the quarter before it, appraised and finalised then.
EARLIER = Schedule(1, ((2, 12), (4, 14), (8, 18), (14, 28)), ((2, 5), (6, 11), (12, 17)), 60, 20)
# From today: the last quarter, its review windows open now, finalisation in two weeks.
CURRENT = Schedule(
    -9, ((-8, 7), (-6, 10), (-3, 14), (14, 28)), ((-8, -6), (-5, -3), (-2, -1)), 30, None
)


@dataclass(frozen=True)
class Writers:
    """Who writes their self and peer reviews in a cycle, who gets a leader's comment, and whose
    comment raises a rectification; the secretary's reason for the reviews left missing."""

    self_review: list[str]
    peer_review: list[str]
    commented: list[str]
    rectified: list[str]
    missing_reason: str | None = None


def quarters(today: date) -> tuple[str, str]:
    """The quarter before last (finalised) and the last quarter (being appraised)."""
    this = period_bounds(period_key("quarterly", today))[0]
    return (
        period_key("quarterly", add_months(this, -6)),
        period_key("quarterly", add_months(this, -3)),
    )


def cycle_ids(branch_id: str, today: date) -> list[str]:
    return [f"{branch_id}.{period}" for period in quarters(today)]


def write_branch(ctx: Context, branch_id: str, today: date, seed: int) -> None:
    rng = random.Random(f"{seed}:{branch_id}")
    roster = ctx.roster(branch_id)
    members = sorted(roster.members)
    standing = {member: rng.uniform(70, 96) for member in members}  # how well each one does
    on_leave = rng.choice([m for m in members if not roster.admin(m)])
    present = [m for m in members if m != on_leave]
    everyone = Writers(present, present, members, rng.sample(members, 2), ON_LEAVE)
    commented = rng.sample(members, len(members) // 3)
    part = Writers(
        rng.sample(members, len(members) * 2 // 3),
        rng.sample(members, len(members) // 2),
        commented,
        commented[:1],
    )
    writer = Writer(ctx, roster, standing, rng)
    (earlier, last), (earlier_id, last_id) = quarters(today), cycle_ids(branch_id, today)
    writer.cycle(earlier_id, earlier, EARLIER, period_bounds(last)[0], everyone)
    writer.cycle(last_id, last, CURRENT, today, part, peer_mode="open")


@dataclass
class Writer:
    """Writes a branch's cycles: each review step's sittings spread over its writing days."""

    ctx: Context
    roster: Roster
    standing: dict[str, float]
    rng: random.Random

    def cycle(
        self,
        cycle_id: str,
        period: str,
        days: Schedule,
        anchor: date,
        who: Writers,
        peer_mode: str = "anonymous",
    ):
        def day(n: int, hour: int = 0) -> datetime:
            return datetime.combine(anchor + timedelta(days=n), time(hour), ZONE)

        secretary = min(w for w, role, _ in self.roster.roles if role == "secretary")
        windows = {
            step: Window(day(opens), day(closes))
            for step, (opens, closes) in zip(STEPS, days.windows, strict=True)
        }
        opening = c.OpenCycle(
            secretary, cycle_id, self.roster.branch_id, "quarterly", period, "group",
            windows, DEFAULT_WEIGHTS, DEFAULT_BANDS, peer_mode,
        )  # fmt: skip
        cycles.open_cycle(opening, self.ctx, day(days.opened, 9))
        due = anchor + timedelta(days=days.rectification_due)
        steps = (
            self._self_reviews(cycle_id, who),
            self._peer_reviews(cycle_id, who),
            self._leader_comments(cycle_id, who, due),
        )
        for sittings, (first, last) in zip(steps, days.writing, strict=True):
            self._write(sittings, [day(n) for n in range(first, last + 1)])
        if days.finalised is not None:
            finalise = c.FinaliseCycle(secretary, cycle_id, who.missing_reason)
            cycles.finalise_cycle(finalise, self.ctx, day(days.finalised, 10))

    def _write(self, sittings: list[Sitting], days: list[datetime]) -> None:
        """Each sitting in working hours on one of the days (their midnights), in a random order;
        one starts when the one before has ended, so the stream's order is the order in time."""
        hours = (8 * 60, 21 * 60)
        moments = sorted(
            self.rng.choice(days) + timedelta(minutes=self.rng.randrange(*hours)) for _ in sittings
        )
        self.rng.shuffle(sittings)
        ended = days[0]
        for moment, (handle, commands) in zip(moments, sittings, strict=True):
            ended = max(moment, ended)
            for command in commands:  # a minute or so each
                handle(command, self.ctx, ended)
                ended += timedelta(seconds=50)

    def _self_reviews(self, cycle_id: str, who: Writers) -> list[Sitting]:
        return [
            (
                reviews.submit_self_review,
                [c.SubmitSelfReview(m, cycle_id, self._scores(m, 3), self.rng.choice(PROBLEMS))],
            )
            for m in who.self_review
        ]

    def _peer_reviews(self, cycle_id: str, who: Writers) -> list[Sitting]:
        def review(reviewer: str, peer: str) -> c.SubmitPeerReview:
            comment = self.rng.choice(PEER_COMMENTS)
            return c.SubmitPeerReview(reviewer, cycle_id, peer, self._scores(peer), comment)

        return [
            (reviews.submit_peer_review, [review(m, p) for p in self.roster.peers(m, "group")])
            for m in who.peer_review
        ]

    def _leader_comments(self, cycle_id: str, who: Writers, due: date) -> list[Sitting]:
        """Each leader comments on their members at one sitting."""
        by_leader: dict[str, list[c.SubmitLeaderComment]] = {}
        for member in who.commented:
            leader = self.roster.commentators(member)[0]
            raised = (
                (c.Rectification(self.rng.choice(RECTIFICATIONS), due),)
                if member in who.rectified
                else ()
            )
            comment = c.SubmitLeaderComment(
                leader, cycle_id, member, self._score(member), self.rng.choice(LEADER_COMMENTS),
                raised,
            )  # fmt: skip
            by_leader.setdefault(leader, []).append(comment)
        return [(reviews.submit_leader_comment, comments) for comments in by_leader.values()]

    def _scores(self, member: str, lift: float = 0) -> dict[str, float]:
        return {dimension: self._score(member, lift) for dimension in DIMENSIONS}

    def _score(self, member: str, lift: float = 0) -> float:
        """Near the member's standing (and a little above it when they score themself)."""
        return float(min(100, round(self.standing[member] + lift + self.rng.uniform(-4, 4))))
