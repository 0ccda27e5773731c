"""A small institution for the end-to-end tests, written through the services' RPC.

Two branches of one institution (so a branch secretary has a foreign branch next door, while the
institution committee sees both) and a second institution nobody of the first can see; an open
appraisal cycle in each branch, and one scan's reminders. Ids are unique per run; every role of
the matrix has a user.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from eventlog import PostgresEventStore
from services.gateway.users import handlers as users
from services.gateway.users.credentials import hash_password
from services.gateway.users.domain import RegisterUser
from services.notify.domain.reminders import reminder_key

PASSWORD = "correct horse battery"
ROLES = ("committee", "secretary", "leader", "member", "outsider")


@dataclass
class World:
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    year: int = field(default_factory=lambda: date.today().year)

    def __post_init__(self) -> None:
        r = self.run
        self.institution, self.other_institution = f"i{r}", f"j{r}"
        self.people = {role: f"{role[:3]}{r}" for role in ROLES}
        self.people["member2"] = f"mb2{r}"
        self.people["foreign"] = f"frn{r}"  # a member of the second branch
        self.people["stranger"] = f"str{r}"  # founder of the second institution
        self.branches = {"own": f"b1{r}", "foreign": f"b2{r}", "elsewhere": f"b3{r}"}
        self.groups = {"own": f"g1{r}", "other": f"g2{r}", "foreign": f"g3{r}"}
        self.items: dict[str, str] = {}
        self.cycles = {"own": f"cy1{r}", "foreign": f"cy2{r}"}

    def username(self, role: str) -> str:
        return f"u{self.people[role]}"

    def reminder(self) -> str:
        """The key of the member's reminder that their item is overdue (see `scan`)."""
        return reminder_key("overdue", self.items["own"], "once", self.people["member"])


def seed(call, world: World) -> World:
    """Organisation, goals, items, a meeting, an article; `call(method, **kwargs)` is the RPC."""
    p, b, g, year = world.people, world.branches, world.groups, world.year
    boss = p["committee"]
    call(
        "register_institution",
        actor_id=boss,
        institution_id=world.institution,
        name="机关",
        founders=[{"person_id": boss, "name": "委员"}],
    )
    call(
        "register_institution",
        actor_id=p["stranger"],
        institution_id=world.other_institution,
        name="另一机关",
        founders=[{"person_id": p["stranger"], "name": "外人"}],
    )
    call(
        "register_branch",
        actor_id=p["stranger"],
        institution_id=world.other_institution,
        branch_id=b["elsewhere"],
        name="外支部",
    )
    template = [{"code": f"G{n}", "title": f"目标{n}"} for n in range(1, 9)]
    call(
        "set_goal_template",
        actor_id=boss,
        institution_id=world.institution,
        year=year,
        goals=template,
    )
    for key, branch in (("own", b["own"]), ("foreign", b["foreign"])):
        call(
            "register_branch",
            actor_id=boss,
            institution_id=world.institution,
            branch_id=branch,
            name=f"{key}支部",
        )
    call("form_group", actor_id=boss, branch_id=b["own"], group_id=g["own"], name="一组")
    call("form_group", actor_id=boss, branch_id=b["own"], group_id=g["other"], name="二组")
    call("form_group", actor_id=boss, branch_id=b["foreign"], group_id=g["foreign"], name="三组")
    for role, branch, group in (
        ("secretary", "own", "own"),
        ("leader", "own", "own"),
        ("member", "own", "own"),
        ("member2", "own", "other"),
        ("foreign", "foreign", "foreign"),
    ):
        call(
            "admit_member",
            actor_id=boss,
            branch_id=b[branch],
            member_id=p[role],
            name=role,
            group_id=g[group],
        )
    call(
        "grant_role", actor_id=boss, branch_id=b["own"], member_id=p["secretary"], role="secretary"
    )
    call(
        "grant_role",
        actor_id=boss,
        branch_id=b["own"],
        member_id=p["leader"],
        role="group_leader",
        group_id=g["own"],
    )
    call(
        "grant_role",
        actor_id=boss,
        branch_id=b["foreign"],
        member_id=p["foreign"],
        role="secretary",
    )
    call("open_goal_set", actor_id=p["secretary"], branch_id=b["own"], year=year)
    _items(call, world)
    call(
        "record_meeting",
        actor_id=p["leader"],
        branch_id=b["own"],
        meeting_id=f"mt{world.run}",
        meeting_type="group_meeting",
        held_on=f"{year}-01-15",
        title="一月组会",
        group_id=g["own"],
        attendance={p["member"]: "present", p["leader"]: "present"},
    )
    for role, branch in (("member", "own"), ("foreign", "foreign")):
        call(
            "post_article",
            actor_id=p[role],
            branch_id=b[branch],
            member_id=p[role],
            article_id=f"ar{world.run}",
            title="学习心得",
            posted_on=f"{year}-01-10",
        )
    return world


def _items(call, world: World) -> None:
    p, b, g, year = world.people, world.branches, world.groups, world.year
    overdue = (date.today() - timedelta(days=30)).isoformat()
    plans = {
        "own": dict(
            branch_id=b["own"],
            level="member",
            owner_id=p["member"],
            group_id=g["own"],
            actor_id=p["leader"],
            due_date=overdue,
        ),
        "branch": dict(
            branch_id=b["own"], level="branch", actor_id=p["secretary"], due_date=f"{year}-12-31"
        ),
        "foreign": dict(
            branch_id=b["foreign"], level="branch", actor_id=p["foreign"], due_date=f"{year}-12-31"
        ),
    }
    for key, plan in plans.items():
        world.items[key] = f"it{key}{world.run}"
        call(
            "plan_item",
            item_id=world.items[key],
            kind="reform",
            cadence="once",
            title=f"{key} 调研",
            **plan,
        )
    call(
        "plan_item",
        actor_id=p["secretary"],
        branch_id=b["own"],
        level="branch",
        kind="party_building",
        cadence="monthly",
        title="每月学习",
        due_day=25,
        item_id=f"itmonthly{world.run}",
    )
    call(
        "complete_occurrence",
        actor_id=p["secretary"],
        item_id=f"itmonthly{world.run}",
        period=f"{year}-01",
    )


def register_users(db, world: World) -> None:
    """The matrix's users; the committee person's user is the institution administrator."""
    store = PostgresEventStore(db, source="gateway")
    password_hash = hash_password(PASSWORD)
    for role in ROLES:
        cmd = RegisterUser(
            world.username(role), world.people[role], password_hash, role == "committee"
        )
        users.register(store, cmd, actor_id="test")
