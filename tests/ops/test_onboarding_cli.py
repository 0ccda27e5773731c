"""Starting without the demo, from a shell: `make run DEMO=0` loads nothing and says how to begin;
`taizhang admin create`, `taizhang roster template|import` and `taizhang admin reset-password`
run against the real database as an operator runs them, the services stopped."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from eventlog import PostgresEventStore
from services.gateway.users import handlers as users

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parents[2]


def run(settings, *command: str, status: int = 0, **more_env: str) -> str:
    env = {
        **os.environ,
        "TAIZHANG_DATABASE_URL": settings.database_url,
        "TAIZHANG_ADMIN_DATABASE_URL": settings.admin_database_url,
        **more_env,
    }
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == status, done.stdout + done.stderr
    return done.stdout + done.stderr


def taizhang(settings, *args: str, status: int = 0) -> str:
    return run(settings, sys.executable, "-m", "eventlog.cli", *args, status=status)


def test_make_run_passes_the_switch_on():
    plans = {
        demo: subprocess.run(
            ["make", "-n", "run", *([f"DEMO={demo}"] if demo else [])],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout
        for demo in ("", "0")
    }
    assert "TAIZHANG_DEMO=1 bash scripts/run.sh" in plans[""]
    assert "TAIZHANG_DEMO=0 bash scripts/run.sh" in plans["0"]


def test_an_empty_start_loads_no_demo_and_says_how_to_begin(settings, store):
    head = store.head()
    said = run(settings, "bash", "scripts/run.sh", "demo", TAIZHANG_DEMO="0", PYTHON=sys.executable)
    assert "eventlog.cli admin create --institution ID" in said
    assert store.head() == head


def test_an_administrator_and_a_roster_from_the_shell(settings, db, tmp_path):
    run_id = uuid.uuid4().hex[:6]
    institution, admin = f"cli-{run_id}", f"admin-{run_id}"
    founding = ["--institution", institution, "--institution-name", "某机关党委"]
    founding += ["--username", admin, "--name", "王伟"]
    printed = taizhang(settings, "admin", "create", *founding)
    assert re.search(r"一次性密码：\S{12}（", printed)
    again = taizhang(settings, "admin", "create", *founding, status=1)
    assert f"用户“{admin}”已存在" in again
    log = PostgresEventStore(db, source="test")
    user, _ = users.load(log, admin)
    assert (user.person_id, user.admin, user.one_time) == (admin, True, True)

    template = tmp_path / "template.xlsx"
    taizhang(settings, "roster", "template", str(template))
    roster = tmp_path / "roster.csv"
    branch = f"支部{run_id}"
    units = ["roster", "import", "--institution", institution, "--as", admin]
    head = log.head()
    checked = taizhang(settings, *units, str(template), status=0)
    assert "预演：未作任何更改" in checked
    assert log.head() == head

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["支部", "姓名", "登录名"])
    writer.writerow([branch, "张三", f"zs-{run_id}"])
    roster.write_bytes(out.getvalue().encode("gb18030"))
    refused = taizhang(settings, *units, str(roster), "--apply", status=1)
    assert f"党员 第2行 错误 支部：未知支部“{branch}”" in refused
    assert log.head() == head

    imported = taizhang(settings, *units, str(template), "--apply")
    assert "已导入" in imported and "账号 zhangsan" in imported
    assert "无变化" in taizhang(settings, *units, str(template))
    reset = taizhang(settings, "admin", "reset-password", "zhangsan")
    assert re.search(r"一次性密码：\S{12}", reset)
    assert users.load(log, "zhangsan")[0].one_time
