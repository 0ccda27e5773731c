"""Bringing in an institution from nothing, on the real servers, as its operator and its people
would: `taizhang admin create` in a shell, the administrator's first sign-in, the roster
template, a roster of 3 branches × 3 groups × 12 members with one bad row (the dry run and the
real run name it, and nothing changes), the row fixed and imported, imported again (nothing
changes), and an imported member signing in.

The institution, its people and its users are new (ids unique to the run); the ledger and the
gateway run in nameko containers, the CLI as a process, all on the test database.
"""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
import time
import uuid

import pytest
from nameko.containers import ServiceContainer
from openpyxl import Workbook, load_workbook

from eventlog import PostgresEventStore
from services.gateway.service import GatewayService
from services.ledger.service import LedgerService
from tests.support import free_port, wait_for

from .addresses import client, loopback

pytestmark = pytest.mark.servers

API = "/api/v1"
BRANCHES, GROUPS, MEMBERS = 3, 3, 12  # members per group
RPC_TIMEOUT = 10  # seconds: the ledger applies a whole roster in one call
IMPORT_SECONDS = 300  # a hundred argon2 hashes on a busy machine
MEMBER_COLUMNS = ["支部", "党小组", "姓名", "登录名", "电子邮箱", "手机号", "职务"]


class Services:
    def __init__(self, settings):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}{API}"
        self.session = client(loopback())
        amqp = {"AMQP_URI": settings.amqp_uri}
        web = {"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "RPC_TIMEOUT": RPC_TIMEOUT}
        self.containers = [
            ServiceContainer(LedgerService, amqp),
            ServiceContainer(GatewayService, {**amqp, **web}),
        ]
        for container in self.containers:
            container.start()

    def post(self, path, token=None, **options):
        options.setdefault("timeout", 60)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.session.post(self.url + path, headers=headers, **options)

    def get(self, path, token, **options):
        headers = {"Authorization": f"Bearer {token}"}
        return self.session.get(self.url + path, headers=headers, timeout=60, **options)

    def stop(self):
        for container in reversed(self.containers):
            container.stop()


@pytest.fixture(scope="module")
def services(settings, db):
    running = Services(settings)
    yield running
    running.stop()


def taizhang(settings, *args: str) -> str:
    """The `taizhang` command, as an operator runs it, on the test database."""
    env = {
        **os.environ,
        "TAIZHANG_DATABASE_URL": settings.database_url,
        "TAIZHANG_ADMIN_DATABASE_URL": settings.admin_database_url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "eventlog.cli", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def first_sign_in(services, username: str, one_time: str, new_password: str) -> str:
    """Refused with the one-time password until it is replaced; a token after."""
    credentials = {"username": username, "password": one_time}
    refused = services.post("/auth/token", json=credentials)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "password_change_required"
    changed = services.post(
        "/auth/one-time-password", json={**credentials, "new_password": new_password}
    )
    assert changed.status_code == 200, changed.text
    again = services.post("/auth/token", json={"username": username, "password": new_password})
    assert again.status_code == 200, again.text
    return again.json()["access_token"]


def roster(run: str, bad_row: bool) -> tuple[bytes, int]:
    """The workbook, and the row (of 党员) that is wrong when `bad_row`: its branch is unknown."""
    book = Workbook()
    units = book.active
    units.title = "支部与党小组"
    units.append(["支部", "党小组"])
    members = book.create_sheet("党员")
    members.append(MEMBER_COLUMNS)
    for b in range(1, BRANCHES + 1):
        branch = f"第{b}支部{run}"
        for g in range(1, GROUPS + 1):
            units.append([branch, f"第{g}党小组"])
            for m in range(1, MEMBERS + 1):
                login = f"{run}-b{b}g{g}m{m}"
                roles = "党小组长" if m == 1 else ""
                if g == 1 and m == 2:
                    roles = "书记"
                elif g == 1 and m == 3:
                    roles = "支委"
                phone = f"1380000{b}{g}{m:02d}"
                email = f"{login}@example.cn"
                members.append(
                    [branch, f"第{g}党小组", f"党员{b}{g}{m}", login, email, phone, roles]
                )
    bad = 2 + BRANCHES * GROUPS * MEMBERS // 2  # a row in the middle of the sheet
    if bad_row:
        members.cell(row=bad, column=1, value=f"第9支部{run}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), bad


def upload(services, token, institution, content, dry_run):
    body = {"content": base64.b64encode(content).decode(), "dry_run": dry_run}
    path = f"/institutions/{institution}/roster"
    return services.post(path, token, json=body, timeout=IMPORT_SECONDS)


def test_an_institution_from_nothing_to_members_signed_in(services, settings, db):
    run = uuid.uuid4().hex[:6]
    institution, admin = f"org-{run}", f"admin-{run}"
    log = PostgresEventStore(db, source="test")

    printed = taizhang(
        settings, "admin", "create", "--institution", institution,
        "--institution-name", "某机关党委", "--username", admin, "--name", "王伟",
    )  # fmt: skip
    one_time = re.search(r"一次性密码：(\S+?)（", printed)[1]
    token = first_sign_in(services, admin, one_time, "admin-own-2026")
    me = wait_for(
        lambda: services.get("/me", token).json()["institution_committee"],
        30,
        "the ledger to know the founding committee",
    )
    assert me == [institution]

    template = services.get("/roster/template.xlsx", token)
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    assert [cell.value for cell in book["党员"][1]] == MEMBER_COLUMNS

    content, bad = roster(run, bad_row=True)
    head = log.head()
    checked = upload(services, token, institution, content, dry_run=True)
    assert checked.status_code == 200, checked.text
    report = checked.json()
    wrong = [row for row in report["rows"] if row["errors"]]
    assert not report["valid"] and [(row["sheet"], row["row"]) for row in wrong] == [("党员", bad)]
    assert "未知支部" in wrong[0]["errors"]["支部"][0]
    assert sum(row["status"] == "变更" for row in report["rows"]) == 9 + 107
    refused = upload(services, token, institution, content, dry_run=False)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "roster_invalid"
    assert list(refused.json()["fields"]["党员"]) == [str(bad)]
    assert log.head() == head  # neither run changed anything

    content, _ = roster(run, bad_row=False)
    started = time.monotonic()
    imported = upload(services, token, institution, content, dry_run=False)
    seconds = time.monotonic() - started
    assert imported.status_code == 200, imported.text
    report = imported.json()
    assert report["valid"] and report["applied"]
    people = BRANCHES * GROUPS * MEMBERS
    assert report["summary"] == {
        "BranchRegistered": BRANCHES,
        "GroupFormed": BRANCHES * GROUPS,
        "MemberJoined": people,
        "RoleGranted": BRANCHES * GROUPS + 2 * BRANCHES,
        "UserRegistered": people,
    }
    accounts = {account["login"]: account for account in report["accounts"]}
    assert len(accounts) == people
    print(f"\nroster of {people} members imported in {seconds:.1f}s")

    head = log.head()
    again = upload(services, token, institution, content, dry_run=False)
    assert again.status_code == 200, again.text
    assert not again.json()["applied"] and again.json()["accounts"] == []
    assert {row["status"] for row in again.json()["rows"]} == {"无变化"}
    assert log.head() == head

    leader = accounts[f"{run}-b2g3m1"]
    token = first_sign_in(services, leader["login"], leader["one_time_password"], "my-own-2026")
    me = wait_for(lambda: services.get("/me", token).json()["branches"], 30, "the member's branch")
    assert [(row["group_id"] is not None, row["roles"][0]["role"]) for row in me] == [
        (True, "group_leader")
    ]
