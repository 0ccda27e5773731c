"""The ledger's producers: an institution, a branch and its people, and the branch's goals, each
written by one of the ledger's own commands (services/ledger/service.py); ledger_work.py goes on
with the branch's items, organisational life and study."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hypothesis import strategies as st

from eventlog.blobs import InMemoryBlobStore
from services.common.attachments import DEFAULT_MAX_BYTES, sniff
from services.common.handlers import load
from services.common.roles import BRANCH_ROLES, RESPONSIBILITY_ROLES
from services.ledger.domain.branch import Branch, evolve
from services.ledger.domain.institution import STANDARD_GOALS
from services.ledger.handlers.attachments import Attaching
from services.ledger.service import COMMANDS

from .world import TEXT, World

YEAR = 2026
DATES = st.dates(date(YEAR - 1, 12, 1), date(YEAR + 1, 1, 31))
DAY = st.integers(1, 31)
IN_YEAR = st.dates(date(YEAR, 1, 1), date(YEAR, 12, 31))
ZONES = ("Asia/Shanghai", "UTC", "America/Los_Angeles", "Pacific/Kiritimati")
URLS = st.sampled_from(["https://example.org/a", "http://intranet.example/b?c=1"])
FILES = ("会议纪要\n".encode(), b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n....")


@dataclass
class Ledger:
    """What the ledger's commands have named so far: the pool later commands draw from."""

    world: World
    groups: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # ever admitted (some may have left)
    goals: list[str] = field(default_factory=list)
    items: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # id → cadence, periods
    articles: list[tuple[str, str]] = field(default_factory=list)  # (member, article)
    records: list[tuple[str, str]] = field(default_factory=list)  # (meeting or report, its id)
    blobs: InMemoryBlobStore = field(default_factory=InMemoryBlobStore)  # attached files

    def __post_init__(self) -> None:
        self.founder, self.institution = self.world.id("f"), self.world.id("i")
        self.branch = self.world.id("b")

    def run(self, command: str, /, **payload: Any) -> list:
        """The command `name`, by the institution committee unless the payload names an actor."""
        payload = {"actor_id": self.founder, **payload}
        return self.world.command(COMMANDS, command, payload, self.world.store)

    def attach(self, command: str, /, **payload: Any) -> list:
        """An attaching command: a file stored first (or, now and then, one never stored), and
        the handler given the blob store too."""
        content = self.world.pick(FILES)
        stored = self.blobs.put(content) if self.world.pick(range(5)) else "0" * 64
        file = {
            "sha256": stored,
            "name": "材料",
            "media_type": sniff(content),
            "size": len(content),
        }
        ports = Attaching(self.world.store, self.blobs, DEFAULT_MAX_BYTES)
        payload = {"actor_id": self.founder, **file, **payload}
        return self.world.command(COMMANDS, command, payload, ports)

    def member(self) -> str:
        return self.world.pick(self.members)

    def maybe_group(self) -> str | None:
        return self.world.pick([*self.groups, None])


def found(ledger: Ledger) -> None:
    world = ledger.world
    founders = [{"person_id": ledger.founder, "name": "王建国"}]
    if world.draw(st.booleans()):
        founders.append({"person_id": world.id("f2"), "name": "李淑芬"})
    ledger.run(
        "register_institution",
        institution_id=ledger.institution,
        name="机关",
        founders=founders,
        timezone=world.pick(ZONES),
    )
    goals = [{"code": f"G{n}", "title": f"目标{n}"} for n in range(1, STANDARD_GOALS + 1)]
    ledger.run("set_goal_template", institution_id=ledger.institution, year=YEAR, goals=goals)
    for _ in world.times(2):
        person = world.pick([world.id("f2"), world.id("f3")])
        if world.draw(st.booleans()):
            ledger.run(
                "appoint_committee_member",
                institution_id=ledger.institution,
                person_id=person,
                name="张",
            )
        else:
            ledger.run(
                "remove_committee_member",
                institution_id=ledger.institution,
                person_id=person,
                reason="调离",
            )
    ledger.run(
        "register_branch", branch_id=ledger.branch, institution_id=ledger.institution, name="一支部"
    )
    for n in range(world.draw(st.integers(1, 3))):
        ledger.groups.append(world.id(f"g{n}"))
        ledger.run("form_group", branch_id=ledger.branch, group_id=ledger.groups[-1], name="组")
    for _ in range(world.draw(st.integers(2, 5))):
        _admit(ledger)
    # A branch has its secretary and group leaders; later commands may change that.
    ledger.run("grant_role", branch_id=ledger.branch, member_id=ledger.members[0], role="secretary")
    for role in BRANCH_ROLES[1:-1]:
        ledger.run("grant_role", branch_id=ledger.branch, member_id=ledger.member(), role=role)
    for group in ledger.groups:
        ledger.run(
            "grant_role",
            branch_id=ledger.branch,
            member_id=ledger.member(),
            role="group_leader",
            group_id=group,
        )


def _admit(ledger: Ledger) -> None:
    """A new member, or one who left coming back; joined today, or on a day given."""
    world = ledger.world
    fresh = world.id(f"m{len(ledger.members)}")
    member = world.pick([fresh, *ledger.members])
    if member == fresh:
        ledger.members.append(fresh)
    email = world.maybe(st.just(f"{member}@court.example"))
    ledger.run(
        "admit_member",
        branch_id=ledger.branch,
        member_id=member,
        name=world.draw(TEXT),
        group_id=ledger.maybe_group(),
        email=email,
        phone=world.maybe(st.just("+86 10 6512 3456")),
        joined_on=world.pick([None, world.draw(DATES).isoformat()]),
    )


def people(ledger: Ledger) -> None:
    world, branch = ledger.world, ledger.branch
    for _ in world.times(8):
        op = world.pick(["admit", "move", "remove", "grant", "revoke"])
        if op == "admit":
            _admit(ledger)
        elif op == "move":
            ledger.run(
                "move_member",
                branch_id=branch,
                member_id=ledger.member(),
                group_id=world.pick(ledger.groups),
            )
        elif op == "remove":
            ledger.run("remove_member", branch_id=branch, member_id=ledger.member(), reason="调离")
        else:
            why = {"reason": "换届"} if op == "revoke" else {}
            ledger.run(
                f"{op}_role",
                branch_id=branch,
                member_id=ledger.member(),
                role=world.pick(BRANCH_ROLES),
                group_id=ledger.maybe_group(),
                **why,
            )


def goals(ledger: Ledger) -> None:
    world, branch = ledger.world, ledger.branch
    ledger.run("open_goal_set", branch_id=branch, year=YEAR)
    ledger.goals += [f"{branch}.{YEAR}.G{n}" for n in range(1, STANDARD_GOALS + 1)]
    for n in world.times(2):
        ledger.goals.append(world.id(f"x{n}"))
        ledger.run(
            "add_goal",
            branch_id=branch,
            year=YEAR,
            goal_id=ledger.goals[-1],
            title=world.draw(TEXT),
            description=world.draw(st.just("") | TEXT),
        )
    for _ in range(world.draw(st.integers(1, 2))):
        holders = {duty: _holder(ledger, roles) for duty, roles in RESPONSIBILITY_ROLES.items()}
        urging = [
            holders.pop("urging"),
            *world.draw(st.lists(st.sampled_from(ledger.members), max_size=1)),
        ]
        ledger.run(
            "assign_responsibility",
            branch_id=branch,
            year=YEAR,
            goal_id=world.pick(ledger.goals),
            urging=urging,
            **holders,
        )


def branch_of(ledger: Ledger) -> Branch:
    return load(ledger.world.store, f"branch-{ledger.branch}", evolve, Branch())[0]


def _holder(ledger: Ledger, roles: tuple[str, ...]) -> str:
    """A member holding one of the roles a responsibility needs, if any does."""
    holders = sorted(who for who, role, _ in branch_of(ledger).roles if role in roles)
    return ledger.world.pick(holders or ledger.members)
