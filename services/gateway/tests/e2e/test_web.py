"""The web app in headless Chromium: the journeys of members, a secretary and the committee,
against the services in real containers (conftest.py), with a screenshot of every page."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
import requests
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.support import NOT_YET, wait_for

from .web_world import NAMES, readable, sign_in
from .world import PASSWORD

pytestmark = pytest.mark.servers

XSS = "<script>alert(1)</script>"
COMMENT_ROW = "//h3[text()='点评']/following-sibling::ul[1]/li[starts-with(., '赵党员：')]"


def test_member_completes_an_occurrence_and_posts_an_article(web):
    cluster, browser = web
    b = cluster.world.branches["own"]
    browser = sign_in(web, "member")
    browser.open(f"/app/b/{b}/ledger")
    overdue = browser.driver.find_element(By.CSS_SELECTOR, "ul.entries li.overdue")
    assert "走访调研报告" in overdue.text and "已逾期" in overdue.text
    assert overdue.value_of_css_property("color") == "rgba(198, 40, 40, 1)"
    browser.screenshot("ledger")
    done = overdue.find_element(By.XPATH, ".//details[summary[text()='完成']]")
    done.find_element(By.TAG_NAME, "summary").click()
    done.find_element(By.NAME, "note").send_keys("已报送支部")
    done.find_element(By.NAME, "evidence").send_keys("https://example.org/report.pdf")
    browser.submit(done.find_element(By.XPATH, ".//button[text()='标记完成']"))
    assert "已保存" in browser.text()
    assert "没有逾期事项" in browser.text()
    browser.open(f"/app/items/{cluster.world.items['own']}")
    proof = browser.driver.find_element(By.LINK_TEXT, "材料1")
    assert proof.get_attribute("href") == "https://example.org/report.pdf"
    assert "完成 · 赵党员" in browser.text() and "说明：已报送支部" in browser.text()

    browser.open(f"/app/b/{b}/study")
    before = browser.driver.find_element(By.CSS_SELECTOR, ".stat").text
    browser.driver.find_element(By.NAME, "title").send_keys("学习党章心得")
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='提交']"))
    assert "已保存" in browser.text() and "学习党章心得" in browser.text()
    after = browser.driver.find_element(By.CSS_SELECTOR, ".stat").text
    assert int(after.split()[0]) == int(before.split()[0]) + 1
    assert "每月要求 1–5 篇" in after
    browser.screenshot("study")


def test_secretary_plans_an_item_and_the_dashboard_changes(web):
    cluster, browser = web
    b = cluster.world.branches["own"]
    browser = sign_in(web, "secretary")
    browser.open(f"/app/b/{b}/dashboard")
    overdue = int(browser.driver.find_elements(By.CSS_SELECTOR, ".stat")[1].text.split()[0])
    browser.screenshot("dashboard")
    browser.open(f"/app/b/{b}/plan")
    browser.screenshot("plan")
    form = browser.driver
    form.find_element(By.NAME, "title").send_keys("季度党建工作总结")
    form.find_element(By.CSS_SELECTOR, "select[name=level] option[value=branch]").click()
    form.find_element(By.CSS_SELECTOR, "select[name=kind] option[value=party_building]").click()
    yesterday = date.today() - timedelta(days=1)
    form.find_element(By.NAME, "due_date").send_keys(yesterday.strftime("%m%d%Y"))
    browser.submit(form.find_element(By.XPATH, "//button[text()='安排']"))
    assert "已保存" in browser.text()
    browser.open(f"/app/b/{b}/dashboard")
    now = int(browser.driver.find_elements(By.CSS_SELECTOR, ".stat")[1].text.split()[0])
    assert now == overdue + 1
    assert "季度党建工作总结" in browser.text()
    charts = browser.driver.find_elements(By.CSS_SELECTOR, "[data-chart] svg")
    assert len(charts) == 3  # ECharts drew each chart
    browser.screenshot("dashboard-after")
    for page, name in (("meetings", "meeting"), ("appraisal", "appraisal-secretary")):
        browser.open(f"/app/b/{b}/{page}")
        assert "出错了" not in browser.text(), page
        browser.screenshot(name)


def test_member_writes_a_peer_review(web, caplog):
    caplog.set_level(logging.INFO, logger="nameko.web.server")
    cluster, browser = web
    b = cluster.world.branches["own"]
    browser = sign_in(web, "member")
    browser.open(f"/app/b/{b}/appraisal")
    browser.screenshot("appraisal")
    link = browser.driver.find_element(By.LINK_TEXT, "填写互评")
    reviewee = link.find_element(By.XPATH, "..").text.split("：")[0]
    assert reviewee in NAMES.values()
    link.click()
    assert f"互评：{reviewee}" in browser.text() and "匿名" in browser.text()
    browser.screenshot("peer-review")
    browser.phone(True)
    try:
        assert not browser.scrolls_sideways()
        browser.screenshot("phone-peer-review")
    finally:
        browser.phone(False)
    for field in ("ideological_education", "fulfilling_responsibility", "following_rules"):
        browser.driver.find_element(By.NAME, field).send_keys("90")
    browser.driver.find_element(By.NAME, "supervision").send_keys("85")
    browser.driver.find_element(By.NAME, "comments").send_keys("作风扎实")
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='提交互评']"))
    assert "已保存" in browser.text()
    row = browser.driver.find_element(By.XPATH, f"//li[starts-with(., '{reviewee}：')]")
    assert "已提交" in row.text

    # The form's and the review's access-log lines carry no client address (as the API's).
    def logged():
        lines = [r.getMessage() for r in caplog.records if r.name == "nameko.web.server"]
        peer = [line for line in lines if "/peer/" in line]
        return peer if any('"POST ' in line for line in peer) else None

    peer = wait_for(logged, 20, "the peer review in the access log", retrying=NOT_YET)
    assert all(line.startswith("- ") for line in peer)


def test_a_foreign_branch_is_the_404_page(web):
    cluster, browser = web
    w = cluster.world
    foreign = w.branches["foreign"]
    browser = sign_in(web, "member")
    pages = ["dashboard", "ledger", "appraisal", "items", "org-life", f"meetings/mt{w.run}"]
    for path in [*(f"/app/b/{foreign}/{p}" for p in pages), f"/app/items/{w.items['foreign']}"]:
        browser.open(path)
        assert "找不到页面" in browser.text(), path
    browser.screenshot("not-found")
    cookies = {c["name"]: c["value"] for c in browser.driver.get_cookies()}
    answer = requests.get(f"{cluster.url}/app/b/{foreign}/dashboard", cookies=cookies, timeout=30)
    assert answer.status_code == 404 and "找不到页面" in answer.text


def test_an_xss_title_is_text(web):
    cluster, browser = web
    w = cluster.world
    cluster.call(
        "ledger",
        "plan_item",
        actor_id=w.people["leader"],
        branch_id=w.branches["own"],
        item_id=f"itxss{w.run}",
        level="member",
        kind="reform",
        cadence="once",
        title=XSS,
        owner_id=w.people["member"],
        group_id=w.groups["own"],
        due_date=date.today().isoformat(),
    )
    browser = sign_in(web, "member")
    browser.open(f"/app/b/{w.branches['own']}/ledger")
    assert XSS in browser.text()
    with pytest.raises(NoAlertPresentException):
        browser.driver.switch_to.alert.text  # noqa: B018 (reading it is the check)


def test_every_page_fits_a_phone_in_chinese_with_names(web):
    cluster, browser = web
    w = cluster.world
    b, g = w.branches["own"], w.groups["own"]
    branch_pages = ["ledger", "study", "appraisal", "archive", "items", "org-life"]
    pages = {
        "secretary": [
            *branch_pages,
            "dashboard",
            "plan",
            "meetings",
            f"meetings/mt{w.run}",
            "goals",
            f"groups/{g}",
        ],
        "member": branch_pages,
        "committee": ["dashboard", "items", "org-life", "appraisal", "study"],
    }
    for role, paths in pages.items():
        browser = sign_in(web, role)
        browser.phone(True)
        own = [f"/app/b/{b}/{p}" for p in paths]
        own += [f"/app/i/{w.institution}"] if role == "committee" else []
        try:
            for path in [*own, f"/app/items/{w.items['own']}", "/app/inbox", "/app/password"]:
                browser.open(path)
                readable(browser, w)
                assert not browser.scrolls_sideways(), path
                name = path.strip("/").replace("/", "-").replace(b, "b").replace(g, "g")
                browser.screenshot(f"phone-{role}-{name.replace(w.run, '')}")
        finally:
            browser.phone(False)


def test_the_committee_overview_and_group_pages(web):
    cluster, browser = web
    w = cluster.world
    browser = sign_in(web, "committee")
    browser.open(f"/app/i/{w.institution}")
    assert "各支部对比" in browser.text() and "第一支部" in browser.text()
    assert browser.driver.find_elements(By.CSS_SELECTOR, "[data-chart] svg")
    browser.screenshot("overview")
    browser = sign_in(web, "leader")
    browser.open(f"/app/b/{w.branches['own']}/groups/{w.groups['own']}")
    assert "赵党员" in browser.text() and "记录党小组会" in browser.text()
    browser.screenshot("group")
    browser.open("/app/inbox")
    browser.screenshot("inbox")
    # A reminder links to what it is about: an item's reminder opens the item.
    about = browser.driver.find_elements(By.CSS_SELECTOR, ".entries a[href^='/app/items/']")
    assert about, browser.text()
    item_title = about[0].text.split("「")[1].split("」")[0]
    about[0].click()
    assert "/app/items/" in browser.driver.current_url and item_title in browser.text()


def test_sessions_forms_and_headers(web):
    cluster, _ = web
    session = requests.Session()
    login = session.get(f"{cluster.url}/app/login", timeout=30)
    assert "script-src 'self'" in login.headers["Content-Security-Policy"]
    forged = session.post(
        f"{cluster.url}/app/login",
        data={"username": cluster.world.username("member"), "password": PASSWORD},
        timeout=30,
    )
    assert forged.status_code == 400 and "tz_session" not in session.cookies
    token = login.text.split('name="csrf_token" value="')[1].split('"')[0]
    signed = session.post(
        f"{cluster.url}/app/login",
        data={
            "username": cluster.world.username("member"),
            "password": PASSWORD,
            "csrf_token": token,
        },
        allow_redirects=False,
        timeout=30,
    )
    cookie = signed.headers["Set-Cookie"]
    assert signed.status_code == 303 and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert PASSWORD not in session.get(f"{cluster.url}/app/password", timeout=30).text
    path = f"/app/b/{cluster.world.branches['own']}/study"
    form = _hidden_fields(session.get(cluster.url + path, timeout=30).text, path)
    # A form sent twice acts once, and a refusal stays a refusal when sent again.
    bad = {**form, "title": "链接有误的文章", "link": "不是链接"}
    good = {**form, "title": "提交两次的文章", "idempotency_key": form["idempotency_key"] + "b"}
    for sent, shown in ((bad, "error=bad_input&fields=link"), (good, "ok=1")):
        answers = [session.post(cluster.url + path, data=sent, timeout=30) for _ in range(2)]
        assert [answer.url.endswith(f"{path}?{shown}") for answer in answers] == [True, True]
    assert session.get(cluster.url + path, timeout=30).text.count("提交两次的文章") == 1
    kept = session.cookies["tz_session"]  # as someone who copied the cookie would keep it
    other = cluster.token("member")  # the same person's session elsewhere
    out = session.post(f"{cluster.url}/app/logout", data={"csrf_token": token}, timeout=30)
    assert "登录台账" in out.text
    assert session.get(f"{cluster.url}/app/inbox", timeout=30).url.endswith("/app/login")
    # Signed out for real: the old cookie is refused by the pages and its token by the API.
    again = requests.get(
        f"{cluster.url}/app/inbox", cookies={"tz_session": kept}, allow_redirects=False, timeout=30
    )
    assert again.status_code == 303 and again.headers["Location"] == "/app/login"
    bearer = {"Authorization": f"Bearer {kept}"}
    assert requests.get(f"{cluster.url}/api/v1/me", headers=bearer, timeout=30).status_code == 401
    assert cluster.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).ok


def _hidden_fields(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the page's form that posts to `action`."""
    form = page[page.index(f'action="{action}"') :]
    names = ("csrf_token", "idempotency_key", "next")
    return {name: form.split(f'name="{name}" value="')[1].split('"')[0] for name in names}


def test_a_leader_comments_and_the_secretary_finalises_the_cycle(web):
    cluster, browser = web
    w = cluster.world
    b = w.branches["own"]

    def comment(score: str) -> None:
        leader = sign_in(web, "leader")
        leader.open(f"/app/b/{b}/appraisal")
        row = leader.driver.find_element(By.XPATH, COMMENT_ROW)
        row.find_element(By.LINK_TEXT, "填写点评").click()
        leader.driver.find_element(By.NAME, "score").send_keys(score)
        leader.driver.find_element(By.NAME, "comment").send_keys("认真负责，理论学习要加强")
        leader.driver.find_element(By.NAME, "r0_title").send_keys("加强理论学习")
        due = date.today() + timedelta(days=30)
        leader.driver.find_element(By.NAME, "r0_due").send_keys(due.strftime("%m%d%Y"))
        leader.screenshot("leader-comment")
        leader.submit(leader.driver.find_element(By.XPATH, "//button[text()='提交点评']"))
        assert "已保存" in leader.text()
        assert "已点评" in leader.driver.find_element(By.XPATH, COMMENT_ROW).text

    comment("80")
    # The secretary sends the commentary back, with the reason; the leader writes it again.
    browser = sign_in(web, "secretary")
    browser.open(f"/app/b/{b}/appraisal")
    Select(browser.driver.find_element(By.NAME, "step")).select_by_visible_text("点评")
    Select(browser.driver.find_element(By.NAME, "member_id")).select_by_visible_text("赵党员")
    browser.driver.find_element(By.NAME, "reason").send_keys("点评过于简单，请补充")
    browser.screenshot("appraisal-reopen")
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='退回']"))
    assert "已保存" in browser.text()
    comment("88")

    browser = sign_in(web, "secretary")
    browser.open(f"/app/b/{b}/appraisal")
    browser.driver.find_element(By.NAME, "missing_reviews_reason").send_keys("部分同志出差")
    # 定档后不能再修改，确定吗？
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='定档']"), confirm=True)
    assert "已保存" in browser.text() and "已定档" in browser.text()
    results = browser.driver.find_element(By.XPATH, "//h3[text()='结果']/following-sibling::div")
    assert "赵党员" in results.text
    browser.screenshot("appraisal-results")
    cookies = {c["name"]: c["value"] for c in browser.driver.get_cookies()}
    export = requests.get(f"{cluster.url}/app/b/{b}/ledger.csv", cookies=cookies, timeout=30)
    assert export.status_code == 200 and export.headers["Content-Type"].startswith("text/csv")

    browser = sign_in(web, "member")
    browser.open(f"/app/b/{b}/archive")
    assert "季度评议" in browser.text() and "加强理论学习" in browser.text()
    browser.screenshot("archive")


def test_the_secretary_adds_a_goal_and_names_its_responsibility_holders(web):
    cluster, browser = web
    w = cluster.world
    b = w.branches["own"]
    for person, role in (("member2", "full_time_officer"), ("member", "leadership_member")):
        cluster.call(
            "ledger",
            "grant_role",
            actor_id=w.people["secretary"],
            branch_id=b,
            member_id=w.people[person],
            role=role,
        )
    browser = sign_in(web, "secretary")
    browser.open(f"/app/b/{b}/goals")
    assert "目标1" in browser.text() and "还没有明确责任人" in browser.text()
    browser.driver.find_element(By.NAME, "title").send_keys("审判质效提升")
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='增加']"))
    assert "已保存" in browser.text()
    goal = browser.driver.find_element(By.XPATH, "//section[h2[contains(., '审判质效提升')]]")
    goal.find_element(By.TAG_NAME, "summary").click()
    for duty, name in (
        ("primary", "张书记"),
        ("supervision", "钱党员"),
        ("coordination", "赵党员"),
    ):
        goal.find_element(By.XPATH, f".//select[@name='{duty}']/option[text()='{name}']").click()
    goal.find_element(By.XPATH, ".//label[contains(., '王组长')]/input[@name='urging']").click()
    browser.submit(goal.find_element(By.XPATH, ".//button[text()='保存']"))
    assert "已保存" in browser.text(), browser.driver.current_url
    goal = browser.driver.find_element(By.XPATH, "//section[h2[contains(., '审判质效提升')]]")
    assert "主体责任：张书记；监督责任：钱党员；协调责任：赵党员；督促责任：王组长" in goal.text
    browser.screenshot("goals")
