"""Importing a roster: answers row by row in Chinese, all or nothing, nothing the second time."""

from __future__ import annotations

import pytest

from services.common.labels import ROLE
from services.common.roster import (
    ROSTER_ROLES,
    MemberRow,
    RowReport,
    UnitRow,
    role_names,
    roles,
)
from services.ledger.domain import roster as r
from services.ledger.exceptions import Forbidden
from services.ledger.handlers import roster

from .conftest import NOW


class ListedBranches:
    """The read model's list of the institution's branches: the fixture's one."""

    def fetch_all(self, sql, params):
        return [{"branch_id": "b1"}]


UNITS = (UnitRow(2, "第二支部", "一组"), UnitRow(3, "第二支部", "二组"))
MEMBERS = (
    MemberRow(2, "第二支部", "张三", "zhangsan", "一组", "zs@example.cn", "138 0000 0001", "书记"),
    MemberRow(3, "第二支部", "李四", "lisi", "一组", "", "", "党小组长"),
    MemberRow(4, "第二支部", "王五", "wangwu", "二组", roles="支委、党小组长"),
    MemberRow(5, "第一支部", "新人", "newbie", "小组 g1"),
)


def run(store, members=MEMBERS, units=UNITS, dry_run=False, actor="boss"):
    cmd = r.ImportRoster(actor, "i1", units, members, dry_run)
    return roster.import_roster(cmd, store, ListedBranches(), NOW)


def errors(report) -> dict[int, dict[str, list[str]]]:
    return {row["row"]: row["errors"] for row in report["rows"] if row["errors"]}


def test_a_roster_registers_branches_groups_members_and_roles_in_one_batch(store):
    before = store.head()
    report, stored = run(store)
    assert report["valid"] and report["applied"]
    assert report["summary"] == {
        "BranchRegistered": 1,
        "GroupFormed": 2,
        "MemberJoined": 4,
        "RoleGranted": 4,
    }
    assert len({e.position.transaction_id for e in store.read_all(before)}) == 1
    zhang = next(e for e in stored if e.type == "MemberJoined" and e.data["name"] == "张三")
    assert (zhang.data["email"], zhang.data["phone"]) == ("zs@example.cn", "138 0000 0001")
    rows = {(row["sheet"], row["row"]): row for row in report["rows"]}
    assert rows[("支部与党小组", 2)]["changes"] == [
        "新建支部“第二支部”",
        "在“第二支部”新建党小组“一组”",
    ]
    assert rows[("党员", 4)]["changes"] == [
        "“第二支部”新增党员王五（wangwu）",
        "王五任支委",
        "王五任党小组长",
    ]


def test_the_same_roster_again_changes_nothing(store):
    run(store)
    head = store.head()
    report, stored = run(store)
    assert report["valid"] and not report["applied"] and stored == []
    assert {row["status"] for row in report["rows"]} == {"无变化"}
    assert list(store.read_all(head)) == []


def test_a_dry_run_answers_the_same_and_stores_nothing(store):
    head = store.head()
    report, stored = run(store, dry_run=True)
    assert report["valid"] and not report["applied"] and stored == []
    assert report["summary"]["MemberJoined"] == 4
    assert list(store.read_all(head)) == []


@pytest.mark.parametrize(
    "row, column, message",
    [
        (MemberRow(6, "第三支部", "赵六", "zhao"), "支部", "未知支部“第三支部”"),
        (
            MemberRow(6, "第二支部", "赵六", "zhao", "三组"),
            "党小组",
            "“第二支部”没有党小组“三组”",
        ),
        (MemberRow(6, "第二支部", "赵六", "lisi"), "登录名", "登录名“lisi”重复：与第3行相同"),
        (MemberRow(6, "第二支部", "赵六", "m1"), "登录名", "登录名“m1”已是“第一支部”的党员"),
        (
            MemberRow(6, "第二支部", "赵六", "zhao", email="not-mail"),
            "电子邮箱",
            "不是有效的电子邮箱",
        ),
        (
            MemberRow(6, "第二支部", "赵六", "zhao", phone="call me"),
            "手机号",
            "不是有效的电话号码",
        ),
        (MemberRow(6, "第二支部", "赵六", "zhao", roles="组长"), "职务", "未知职务“组长”"),
        (
            MemberRow(6, "第二支部", "赵六", "zhao", roles="党小组长"),
            "职务",
            "党小组长须填写所在党小组",
        ),
        (MemberRow(6, "第二支部", "", "zhao"), "姓名", "“姓名”不能为空"),
        (MemberRow(6, "第二支部", "赵六", "赵六"), "登录名", "登录名只能由"),
        (MemberRow(6, "第一支部", "另一个名字", "m1"), "姓名", "与已有记录“M1”不同"),
    ],
)
def test_one_bad_row_is_named_and_nothing_is_stored(store, row, column, message):
    head = store.head()
    report, stored = run(store, members=(*MEMBERS, row))
    assert not report["valid"] and not report["applied"] and stored == []
    assert list(errors(report)) == [6]
    assert any(message in text for text in errors(report)[6][column])
    assert list(store.read_all(head)) == []


def test_a_member_in_another_group_is_moved_and_keeps_no_lead_of_the_old(store):
    moved = MemberRow(2, "第一支部", "GL1", "gl1", "小组 g2", roles="党小组长")
    report, stored = run(store, members=(moved,), units=())
    assert report["valid"]
    assert [e.type for e in stored] == ["RoleRevoked", "MemberMoved", "RoleGranted"]
    assert stored[-1].data["group_id"] == "g2"


def test_only_the_institution_committee_imports(store):
    with pytest.raises(Forbidden):
        run(store, actor="sec")


def test_roles_are_read_as_the_labels_table_and_the_template_write_them():
    """The template says 支部书记 (the labels table's); a secretary's own sheet often 书记."""
    written = "、".join(ROLE[role] for role in ROSTER_ROLES)
    report = RowReport("党员", 2)
    assert roles(MemberRow(2, "b", "n", "l", roles=written), report) == list(ROSTER_ROLES)
    assert roles(MemberRow(2, "b", "n", "l", roles="书记 支部委员"), report) == [
        "secretary",
        "committee_member",
    ]
    assert report.errors == {}
    roles(MemberRow(2, "b", "n", "l", roles="党员"), report)  # every row is a member already
    assert report.errors == {"职务": [f"未知职务“党员”：可填{role_names()}"]}
    assert role_names() == "支部书记、专职党务干部、班子成员、支委、党小组长"
