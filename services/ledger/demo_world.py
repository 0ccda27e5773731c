"""The demo institution, written through the command handlers (seeded: the same every run)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from eventlog.blobs import BlobStore
from services.common.periods import months_between, period_bounds, period_key, periods

from .demo_files import attach_files
from .demo_items import at, item_actions
from .domain import branch as b
from .domain import goals as g
from .domain import institution as o
from .domain import orglife as ol
from .domain import study as st
from .handlers import life
from .handlers import organisation as org

INSTITUTION = "court"
COMMITTEE = (("jw01", "王建国"), ("jw02", "李淑芬"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰志红建国文斌宁浩晨悦欣怡"
GOALS = (
    "政治建设",
    "思想建设",
    "组织建设",
    "作风建设",
    "纪律建设",
    "制度建设",
    "业务融合",
    "廉政建设",
)
OWN_GOALS = ("审判质效提升", "青年干警培养", "诉源治理", "智慧法院建设")
ROLES = (
    "secretary",
    "full_time_officer",
    "leadership_member",
    "committee_member",
    "committee_member",
)
DIGITS = "零一二三四五六七八九"
# Who lectures in alternate quarters when the secretary does not: the court's leader in charge.
GUEST_LECTURER = "周明（分管院领导）"
# Activity days: in turn held jointly with a partner (where), and on the branch's own (where).
ACTIVITY_DAYS = (
    ("基层联系点法院机关党支部", "基层联系点法院"),
    (None, "香山革命纪念地"),
    ("中国航天五院机关党支部", "中国航天博物馆"),
    (None, "院史馆"),
    ("中国社会科学院法学研究所党支部", "中国社会科学院法学研究所"),
    (None, "中国人民抗日战争纪念馆"),
)


def numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 40 → 四十, 100 → 一百 (n from 1 to 999)."""
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    text = f"{DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (DIGITS[ones] if ones else "")


def particulars(kind: str, period: str, secretary: str) -> dict:
    """A party lecture's lecturer (the secretary, or in even quarters the guest), an activity
    day's partner and place (in turn through ACTIVITY_DAYS, by the month)."""
    if kind == "party_lecture":
        guest = int(period[-1]) % 2 == 0
        lecturer = ol.Lecturer(name=GUEST_LECTURER) if guest else ol.Lecturer(secretary)
        return {"lecturer": lecturer}
    if kind == "activity_day":
        partner, place = ACTIVITY_DAYS[int(period[-2:]) % len(ACTIVITY_DAYS)]
        return {"partner": partner, "place": place}
    return {}


class World:
    """`branches` × `groups` × `members` (per group), `items` per ledger (the branch's, each
    group's, each member's); ids start with `prefix` (b1, b1g1, b1m101 ...)."""

    def __init__(
        self,
        seed: int,
        today: date | None = None,
        *,
        branches: int = 3,
        groups: int = 3,
        members: int = 12,
        items: int = 10,
        prefix: str = "b",
    ):
        self.rng = random.Random(seed)
        self.today = today or (datetime.now(UTC) + timedelta(hours=8)).date()
        self.year, self.items = self.today.year, items
        pool = [s + a + c for s in SURNAMES for a in GIVEN for c in GIVEN if a != c]
        names = iter(self.rng.sample(pool, max(400, branches * groups * members)))
        self.own_goals: dict[str, list[str]] = {}
        self.branches = {
            f"{prefix}{n}": {
                f"{prefix}{n}g{k}": [f"{prefix}{n}m{k}{i:02d}" for i in range(1, members + 1)]
                for k in range(1, groups + 1)
            }
            for n in range(1, branches + 1)
        }
        self.names = {
            member: next(names)
            for groups in self.branches.values()
            for members in groups.values()
            for member in members
        }
        self.roles = {member: [] for member in self.names}
        for groups in self.branches.values():
            officers = [members[0] for members in groups.values()] + [m[1] for m in groups.values()]
            for member, role in zip(officers[:5], ROLES, strict=True):
                self.roles[member].append(role)
            for group, members in groups.items():
                self.roles[members[-1]].append(f"group_leader:{group}")

    def users(self) -> list[tuple[str, str]]:
        people = [(pid, f"{name}: institution_committee") for pid, name in COMMITTEE]
        return people + [
            (m, f"{self.names[m]}: {', '.join(self.roles[m]) or 'member'}") for m in self.names
        ]

    def build(self, store, blobs: BlobStore | None = None) -> None:
        """The demo into `store`; with `blobs`, attached files too (demo_files.py)."""
        self._organisation(store)
        for branch_id, groups in self.branches.items():
            self._goals(store, branch_id)
            for actions in item_actions(self, branch_id, groups):
                for handler, cmd, when in actions:
                    handler(cmd, store, when)
            self._org_life(store, branch_id, groups)
            self._study(store, branch_id, groups)
            if blobs is not None:
                attach_files(self, store, blobs, branch_id)

    def _organisation(self, store) -> None:
        jan = at(date(self.year, 1, 2), 9)
        boss = COMMITTEE[0][0]
        org.register_institution(
            o.RegisterInstitution(boss, INSTITUTION, "最高人民法院机关", COMMITTEE), store, jan
        )
        template = tuple(
            {"code": f"G{n}", "title": t, "description": f"{t}年度目标"}
            for n, t in enumerate(GOALS, 1)
        )
        org.set_goal_template(o.SetGoalTemplate(boss, INSTITUTION, self.year, template), store, jan)
        for n, (branch_id, groups) in enumerate(self.branches.items(), 1):
            org.register_branch(
                b.RegisterBranch(boss, branch_id, INSTITUTION, f"第{numeral(n)}党支部"),
                store,
                jan,
            )
            for k, (group_id, members) in enumerate(groups.items(), 1):
                org.form_group(
                    b.FormGroup(boss, branch_id, group_id, f"第{numeral(k)}党小组"), store, jan
                )
                for member in members:
                    cmd = b.AdmitMember(
                        boss,
                        branch_id,
                        member,
                        self.names[member],
                        group_id,
                        f"{member}@court.example",
                    )
                    org.admit_member(cmd, store, jan)
            for member in (m for members in groups.values() for m in members):
                for role in self.roles[member]:
                    name, _, group = role.partition(":")
                    org.grant_role(
                        b.GrantRole(boss, branch_id, member, name, group or None), store, jan
                    )

    def holder(self, branch_id: str, role: str) -> str:
        return next(
            m
            for m in self.names
            if m.startswith(f"{branch_id}m") and any(r.startswith(role) for r in self.roles[m])
        )

    def _goals(self, store, branch_id: str) -> None:
        sec, when = self.holder(branch_id, "secretary"), at(date(self.year, 1, 5), 10)
        life.open_goal_set(g.OpenGoalSet(sec, branch_id, self.year), store, when)
        own = self.rng.sample(OWN_GOALS, self.rng.randint(2, 3))
        self.own_goals[branch_id] = [
            f"{branch_id}.{self.year}.X{n}" for n in range(1, len(own) + 1)
        ]
        for goal_id, title in zip(self.own_goals[branch_id], own, strict=True):
            life.add_goal(g.AddGoal(sec, branch_id, self.year, goal_id, title), store, when)
        urging = [
            m
            for m in self.names
            if m.startswith(branch_id + "m")
            and any(r.startswith(("committee_member", "group_leader")) for r in self.roles[m])
        ]
        for goal_id in self.goal_ids(branch_id):
            cmd = g.AssignResponsibility(
                sec,
                branch_id,
                self.year,
                goal_id,
                sec,
                self.holder(branch_id, "full_time"),
                self.holder(branch_id, "leadership"),
                tuple(self.rng.sample(urging, 2)),
            )
            life.assign_responsibility(cmd, store, when)

    def goal_ids(self, branch_id: str) -> list[str]:
        standard = [f"{branch_id}.{self.year}.G{n}" for n in range(1, 9)]
        return standard + self.own_goals.get(branch_id, [])

    def _org_life(self, store, branch_id: str, groups: dict[str, list[str]]) -> None:
        """Most required meetings held, with attendance; a few skipped (due but not held)."""
        sec = self.holder(branch_id, "secretary")
        members = [m for ms in groups.values() for m in ms]
        for kind, need in ol.DEFAULT_REQUIREMENTS.items():
            for period in periods(need.cadence, date(self.year, 1, 1), self.today):
                for group in groups if need.per_group else [None]:
                    if self.rng.random() < 0.9:
                        self._meeting(store, branch_id, kind, period, group, sec, groups, members)
        for n in range(1, 5 * self.today.month):
            day = date(self.year, self.rng.randint(1, self.today.month), self.rng.randint(1, 28))
            if day < self.today:
                kind = self.rng.choice(ol.REPORT_KINDS)
                cmd = ol.FileReport(
                    sec, branch_id, f"{branch_id}r{n}", f"{kind} {day:%m月}", kind, day
                )
                life.file_report(cmd, store, at(day))

    def _meeting(self, store, branch_id, kind, period, group, sec, groups, members) -> None:
        first, last = period_bounds(period)
        held_on = first + timedelta(days=self.rng.randint(0, (min(last, self.today) - first).days))
        if held_on >= self.today:
            return
        people = groups[group] if group else members
        attendance = {
            m: self.rng.choices(("present", "on_leave", "absent"), (85, 10, 5))[0] for m in people
        }
        actor = groups[group][-1] if group else sec
        cmd = ol.RecordMeeting(
            actor,
            branch_id,
            f"{branch_id}.{kind}.{period}.{group or ''}",
            kind,
            held_on,
            f"{period} {kind}",
            "会议纪要……",
            group,
            attendance,
            **particulars(kind, period, sec),
        )
        life.record_meeting(cmd, store, at(held_on, 20))

    def _study(self, store, branch_id: str, groups: dict[str, list[str]]) -> None:
        """1–5 articles a month for most; now and then a month with none (a shortfall); and the
        leader of each branch's first group read more last month: six articles, beyond the norm
        (the month still met the rule)."""
        sec = self.holder(branch_id, "secretary")
        keen = next(iter(groups.values()))[-1]
        last_month = period_key("monthly", self.today.replace(day=1) - timedelta(days=1))
        for member in (m for ms in groups.values() for m in ms):
            for month in months_between(date(self.year, 1, 1), self.today):
                first, last = period_bounds(month)
                count = 0 if self.rng.random() < 0.08 else self.rng.choice((1, 1, 2, 2, 3, 4, 5))
                days = sorted(self.rng.randint(first.day, last.day) for _ in range(count))
                if member == keen and month == last_month:
                    days = sorted(days + list(range(1, 7 - len(days))))
                for n, day in enumerate(d for d in days if first.replace(day=d) < self.today):
                    posted = first.replace(day=day)
                    article = f"{member}.{month}.{n}"
                    cmd = st.PostArticle(
                        member,
                        branch_id,
                        member,
                        article,
                        f"学习心得 {month}-{n + 1}",
                        posted,
                        f"https://study.example/{article}",
                    )
                    life.post_article(cmd, store, at(posted, 21))
                    if self.rng.random() < 0.05:
                        life.recommend_article(
                            st.RecommendArticle(sec, member, article, "推荐"), store, at(posted, 22)
                        )
