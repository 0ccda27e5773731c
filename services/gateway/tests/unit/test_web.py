"""The web app's pure parts: labels for every code, the CSRF token, escaping, charts' data."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.appraisal.domain import cycle
from services.common import labels, periods, roles, written
from services.gateway.errors import MAPPED_ERRORS
from services.gateway.web import app, render, session
from services.gateway.web.pages import charts
from services.ledger.domain import items, orglife

DOMAIN_CODES = {
    "level": items.LEVELS,
    "kind": items.KINDS,
    "status": roles.STATUSES,
    "cadence": (*periods.CADENCES, *periods.RETIRED_CADENCES),
    "review": periods.REVIEW_PERIODS,
    "meeting_type": orglife.MEETING_TYPES,
    "attendance": orglife.ATTENDANCE,
    "report_kind": orglife.REPORT_KINDS,
    "accountability_action": items.ACTIONS,
    "role": roles.BRANCH_ROLES,
    "cycle_kind": cycle.KINDS,
    "peer_scope": cycle.PEER_SCOPES,
    "peer_mode": cycle.PEER_MODES,
    "step": cycle.STEPS,
    "dimension": cycle.DIMENSIONS,
    "input": cycle.INPUTS,
    "grade": cycle.GRADES,
    "error": tuple(code for _, code in MAPPED_ERRORS.values()),
}


@pytest.mark.parametrize("table", sorted(DOMAIN_CODES))
def test_every_code_the_domains_define_has_a_chinese_label(table):
    missing = [code for code in DOMAIN_CODES[table] if code not in labels.TABLES[table]]
    assert missing == []
    assert all(not label.isascii() for label in labels.TABLES[table].values())


def test_a_code_without_a_label_shows_as_itself():
    assert labels.label("status", "in_progress") == "进行中"
    assert labels.label("status", "someday") == "someday"
    assert labels.label("status", None) == ""


@pytest.mark.parametrize(
    ("key", "written_as"),
    [
        ("2026", "2026年"),
        ("2026-H1", "2026年上半年"),
        ("2026-H2", "2026年下半年"),
        ("2026-Q3", "2026年第三季度"),
        ("2026-05", "2026年5月"),
        ("2026-05-07", "2026年5月7日"),
        ("once", ""),
        ("2026-13", "2026-13"),  # not a period: as it is
    ],
)
def test_every_period_of_the_ledger_is_written_in_chinese(key, written_as):
    assert written.period(key) == written_as


def test_dates_and_cycles_are_written_the_chinese_way():
    assert written.day("2026-12-03") == written.day(date(2026, 12, 3)) == "2026年12月3日"
    assert written.moment(datetime(2026, 3, 9, 18, 5)) == "2026年3月9日 18:05"
    assert written.cycle_name("quarterly", "2026-Q1") == "2026年第一季度评议"
    assert written.cycle_name("half_year", "2026-H2") == "2026年下半年评议"
    assert written.cycle_name("year_end", "2026") == "2026年年终评议"
    assert written.cycle_name("quarterly", "2026") == "2026年季度评议"


def request(cookies: dict[str, str], form: dict[str, str]) -> Request:
    builder = EnvironBuilder(method="POST", data=form)
    for name, value in cookies.items():
        builder.headers.add("Cookie", f"{name}={value}")
    return Request(builder.get_environ())


def test_a_form_needs_the_token_of_its_own_cookie():
    key, seed = "k" * 32, "s" * 40
    token = session.csrf_token(key, seed)
    assert session.csrf_ok(key, request({session.CSRF_COOKIE: seed}, {"csrf_token": token}))
    other = session.csrf_token(key, "t" * 40)
    assert not session.csrf_ok(key, request({session.CSRF_COOKIE: seed}, {"csrf_token": other}))
    assert not session.csrf_ok(key, request({}, {"csrf_token": token}))
    assert session.csrf_token("x" * 32, seed) != token  # another key, another token


def test_what_a_user_wrote_is_escaped_and_scripts_come_from_the_site_only():
    page = render.error_page(404, "<script>alert(1)</script>", signed_in=False)
    text = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]
    assert page.status_code == 404


def test_completion_is_charted_by_level_and_kind_across_cadences():
    cell = {"occurrences": 0, "on_time": 0, "rate": None}
    completion = {
        "by_level_kind_cadence": [
            {**cell, "level": "member", "kind": "reform", "cadence": "once", "due": 2, "done": 1},
            {
                **cell,
                "level": "member",
                "kind": "reform",
                "cadence": "monthly",
                "due": 2,
                "done": 2,
            },
            {**cell, "level": "branch", "kind": "reform", "cadence": "once", "due": 0, "done": 0},
        ]
    }
    chart = charts.completion(completion)
    assert chart["categories"] == ["支部", "党员"]
    assert chart["series"] == [{"name": "改革（业务）工作", "data": [None, 75.0]}]


def test_static_files_are_kept_by_browsers_and_never_leave_their_folder():
    def get(name: str, **headers: str):
        request = Request(EnvironBuilder(path=f"/app/static/{name}", headers=headers).get_environ())
        return app.static(None, request, name)

    first = get("app.js")
    assert (first.status_code, first.headers["Cache-Control"]) == (200, "public, max-age=3600")
    assert "script-src" in first.headers["Content-Security-Policy"]
    first.close()
    assert get("app.js", **{"If-None-Match": first.headers["ETag"]}).status_code == 304
    for outside in ("../page.py", "../../service.py", "/etc/passwd"):
        assert get(outside).status_code == 404


def test_a_routine_items_cadence_says_how_often_it_is_reviewed():
    assert written.cadence("routine", "quarterly") == "日常 · 每季度回顾"
    assert written.cadence("monthly") == "每月"
    assert written.cadence("daily") == "每日（已停用）"  # planned before routine replaced it
