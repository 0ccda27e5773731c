"""A roster file read and imported, over the in-memory log with the ledger's own handler: its
shape checked, the ledger's part and the users all or nothing, a retry completing what a crash
cut short, and the same file again changing nothing."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook, load_workbook

from eventlog import InMemoryEventStore
from services.common.schemas import load
from services.gateway.roster import files, importing
from services.gateway.users import domain, handlers
from services.gateway.users.credentials import HASHER, hash_one_time
from services.ledger.domain import institution as o
from services.ledger.handlers import organisation as org
from services.ledger.handlers import roster as roster_handlers
from services.ledger.schemas import roster as rs

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
MEMBER_COLUMNS = ("支部", "党小组", "姓名", "登录名", "电子邮箱", "手机号", "职务")
UNITS = [("一支部", "一组"), ("一支部", "二组")]
MEMBERS = [
    ("一支部", "一组", "张三", "zhangsan", "zs@example.cn", 13800000001, "书记"),
    ("一支部", "二组", "李四", "lisi", None, None, "党小组长"),
]


def workbook(units=UNITS, members=MEMBERS, member_columns=MEMBER_COLUMNS) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, columns, rows in (
        ("支部与党小组", ("支部", "党小组"), units),
        ("党员", member_columns, members),
    ):
        sheet = book.create_sheet(title)
        sheet.append(list(columns))
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Log:
    """The one log both services write to (each its own streams), and the ledger's read model
    of which branches the institution has, as the ledger's handler reads it."""

    def __init__(self):
        self.ledger = InMemoryEventStore(source="ledger")
        founders = (("boss", "王伟"),)
        org.register_institution(
            o.RegisterInstitution("boss", "i1", "某机关", founders), self.ledger, NOW
        )
        self.gateway = self.ledger

    def fetch_all(self, sql, params):
        branches = [e for e in self.ledger.read_all() if e.type == "BranchRegistered"]
        return [{"branch_id": e.data["branch_id"]} for e in branches]

    def import_roster(self, **payload):
        cmd = load(rs.ImportRoster(), payload)
        return roster_handlers.import_roster(cmd, self.ledger, self, NOW)[0]


@pytest.fixture
def log() -> Log:
    return Log()


def run(log, content, dry_run=False, ports=None):
    ports = ports or importing.Ports(log.import_roster, log.gateway, hash_one_time)
    return importing.run(ports, "boss", "i1", content, dry_run)


def test_the_template_reads_back_with_chinese_headers_and_imports_as_it_is(log):
    book = load_workbook(io.BytesIO(files.template()))
    assert book.sheetnames == ["支部与党小组", "党员", "说明"]
    assert [c.value for c in book["党员"][1]] == list(MEMBER_COLUMNS)
    report = run(log, files.template(), dry_run=True)
    assert report["valid"], report["rows"]


def test_a_workbook_imports_branches_groups_members_roles_and_users(log):
    report = run(log, workbook())
    assert report["valid"] and report["applied"]
    assert report["summary"]["UserRegistered"] == 2
    accounts = {a["login"]: a for a in report["accounts"]}
    assert set(accounts) == {"zhangsan", "lisi"}
    user, _ = handlers.load(log.gateway, "zhangsan")
    assert (user.person_id, user.one_time, user.admin) == ("zhangsan", True, False)
    assert HASHER.verify(user.password_hash, accounts["zhangsan"]["one_time_password"])
    joined = [e for e in log.ledger.read_all() if e.type == "MemberJoined"]
    assert {e.data["phone"] for e in joined} == {"13800000001", None}


def test_the_same_file_again_changes_nothing(log):
    run(log, workbook())
    head = log.ledger.head()
    report = run(log, workbook())
    assert report["valid"] and not report["applied"] and report["accounts"] == []
    assert {row["status"] for row in report["rows"]} == {"无变化"}
    assert list(log.ledger.read_all(head)) == []


def test_a_dry_run_names_the_bad_row_and_changes_nothing(log):
    bad = ("三支部", "一组", "赵六", "zhaoliu", "", "", "")
    report = run(log, workbook(members=[*MEMBERS, bad]), dry_run=True)
    assert not report["valid"] and report["accounts"] == []
    wrong = [row for row in report["rows"] if row["errors"]]
    assert [(row["sheet"], row["row"]) for row in wrong] == [("党员", 4)]
    assert "未知支部“三支部”" in wrong[0]["errors"]["支部"][0]
    assert [e.type for e in log.ledger.read_all()] == [
        "InstitutionRegistered",
        "CommitteeMemberAppointed",
    ]


def test_a_login_that_is_another_persons_user_stops_the_whole_import(log):
    handlers.register(log.gateway, domain.RegisterUser("lisi", "someone-else", "h"), "admin")
    head = log.ledger.head()
    report = run(log, workbook())
    assert not report["valid"] and not report["applied"]
    errors = {row["row"]: row["errors"] for row in report["rows"] if row["errors"]}
    assert errors == {3: {"登录名": ["登录名“lisi”已是另一人的账号"]}}
    assert list(log.ledger.read_all(head)) == []


def test_a_retry_completes_an_import_cut_short_between_the_ledger_and_the_users(log):
    def crash(passwords):
        raise ConnectionError("the gateway's database went away")

    with pytest.raises(ConnectionError):
        run(log, workbook(), ports=importing.Ports(log.import_roster, log.gateway, crash))
    assert not handlers.load(log.gateway, "zhangsan")[0].username
    report = run(log, workbook())
    assert report["valid"] and report["applied"]
    assert report["summary"] == {"UserRegistered": 2}
    assert {a["login"] for a in report["accounts"]} == {"zhangsan", "lisi"}


def test_a_missing_column_is_named_against_the_header_row(log):
    columns = ("支部", "党小组", "姓名", "电子邮箱")
    report = run(log, workbook(members=[], member_columns=columns), dry_run=True)
    assert not report["valid"]
    assert report["rows"] == [
        {
            "sheet": "党员",
            "row": 1,
            "status": "错误",
            "changes": [],
            "errors": {"登录名": ["缺少列“登录名”"]},
        }
    ]


def test_a_workbook_without_the_members_sheet_says_so(log):
    book = Workbook()
    out = io.BytesIO()
    book.save(out)
    report = run(log, out.getvalue(), dry_run=True)
    assert report["rows"][0]["errors"] == {"表": ["缺少“党员”表"]}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_csv_of_members_joins_existing_branches(log, encoding):
    run(log, workbook())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["序号", *MEMBER_COLUMNS])
    writer.writerow([1, "一支部", "一组", "王五", "wangwu", "", "010-6512 3456", ""])
    report = run(log, out.getvalue().encode(encoding))
    assert report["valid"] and report["summary"] == {"MemberJoined": 1, "UserRegistered": 1}


@pytest.mark.parametrize("content", [b"PK\x03\x04 not a zip", b"\x00\x01" * 10, b"\xff\xfe\x00"])
def test_a_file_that_is_neither_workbook_nor_text_is_refused_whole(log, content):
    with pytest.raises(files.UnreadableRoster):
        run(log, content, dry_run=True)


def a_zip_of_other_things() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return out.getvalue()


def a_sheet_of_broken_xml() -> bytes:
    whole, out = io.BytesIO(files.template()), io.BytesIO()
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = source.read(item)
            broken = item.filename.startswith("xl/worksheets/")
            archive.writestr(item, data[: len(data) // 2] if broken else data)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [files.template()[:3000], a_zip_of_other_things(), a_sheet_of_broken_xml()],
    ids=["cut short", "another zip", "broken sheet"],
)
def test_a_broken_workbook_is_refused_whole(log, content):
    with pytest.raises(files.UnreadableRoster):
        run(log, content, dry_run=True)


def test_blank_rows_and_unknown_columns_are_left_alone():
    rows = files.read(workbook(members=[*MEMBERS, (None,) * 7]))
    assert [m["row"] for m in rows.members] == [2, 3]
    assert rows.members[0]["phone"] == "13800000001"
