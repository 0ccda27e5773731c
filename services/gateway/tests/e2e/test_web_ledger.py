"""The web app in headless Chromium: a secretary's everyday work on the branch's ledger (the list,
an item's page with its history, its changes and their reasons, two people on one item), its
organisational life (meetings due and held, a meeting's record), a member who left shown by
name, and a cycle opened by its name."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from selenium.webdriver.common.by import By

from services.common.written import day

from .web_world import readable, sign_in

pytestmark = pytest.mark.servers

STALE = "您看到的内容已被别人修改，请刷新后再试。"  # the labels' precondition_failed


def _plan(cluster, key: str, title: str, **fields) -> str:
    w = cluster.world
    item = f"it.{key}.{w.run}"  # with dots, as the demo's item ids have them
    due = (date.today() + timedelta(days=20)).isoformat()
    cluster.call(
        "ledger",
        "plan_item",
        actor_id=w.people["secretary"],
        branch_id=w.branches["own"],
        item_id=item,
        kind="party_building",
        cadence="once",
        title=title,
        **{"level": "branch", "due_date": due, **fields},
    )
    return item


def _form(browser, summary: str):
    """The form under a folded section of the page (details), unfolded."""
    section = browser.driver.find_element(By.XPATH, f"//details[summary[text()='{summary}']]")
    section.find_element(By.TAG_NAME, "summary").click()
    return section


def _pick(within, select: str, text: str) -> None:
    """Chooses the option showing `text` in the select named `select`."""
    within.find_element(By.XPATH, f".//select[@name='{select}']/option[text()='{text}']").click()


def _latest(browser) -> str:
    return browser.driver.find_element(By.CSS_SELECTOR, "ol.history > li").text


def test_the_secretary_finds_an_item_and_changes_it_with_reasons(web):
    cluster, browser = web
    w = cluster.world
    b = w.branches["own"]
    _plan(cluster, "plan", "换届选举筹备")
    browser = sign_in(web, "secretary")
    browser.open(f"/app/b/{b}/items?level=branch")
    text = readable(browser, w)
    assert "换届选举筹备" in text and "支部年度调研" in text and "走访调研报告" not in text
    assert "责任人 支部" in text
    browser.screenshot("items")
    browser.driver.find_element(By.LINK_TEXT, "换届选举筹备").click()
    assert "安排事项" in readable(browser, w) and "张书记" in _latest(browser)
    browser.screenshot("item")

    later = date.today() + timedelta(days=45)
    form = _form(browser, "调整完成时限")
    form.find_element(By.NAME, "due_date").send_keys(later.strftime("%m%d%Y"))
    form.find_element(By.NAME, "reason").send_keys("等待上级批复")
    browser.submit(form.find_element(By.XPATH, ".//button[text()='调整']"))
    assert "已保存" in readable(browser, w)
    assert [f"完成时限改为{day(later)}", "原因：等待上级批复"] == _latest(browser).split("\n")[1:]
    assert f"完成时限\n{day(later)}" in browser.text()

    form = _form(browser, "改派责任人")
    _pick(form, "owner_id", "王组长")
    form.find_element(By.NAME, "reason").send_keys("王组长熟悉情况")
    browser.submit(form.find_element(By.XPATH, ".//button[text()='改派']"))
    assert "改由王组长负责" in _latest(browser) and "原因：王组长熟悉情况" in _latest(browser)

    form = _form(browser, "取消")
    form.find_element(By.NAME, "reason").send_keys("上级通知暂缓")
    browser.submit(form.find_element(By.XPATH, ".//button[text()='取消事项']"), confirm=True)
    assert "整项已取消" in readable(browser, w) and "原因：上级通知暂缓" in _latest(browser)
    form = _form(browser, "重新打开")
    form.find_element(By.NAME, "reason").send_keys("恢复推进")
    browser.submit(form.find_element(By.XPATH, ".//button[text()='重新打开']"))
    history = readable(browser, w)
    assert "整项已取消" not in history and "重新打开 · 张书记" in _latest(browser)
    browser.screenshot("item-history")


def test_of_two_people_changing_one_item_the_second_is_told_to_read_it_again(web):
    cluster, browser = web
    w = cluster.world
    item = _plan(cluster, "twice", "党建述职报告")
    browser = sign_in(web, "secretary")
    browser.open(f"/app/items/{item}")
    moved = (date.today() + timedelta(days=60)).isoformat()
    # Meanwhile, from another page, the institution committee moves the due date.
    cluster.call(
        "ledger",
        "change_due_date",
        actor_id=w.people["committee"],
        item_id=item,
        due_date=moved,
        reason="统一安排",
    )
    form = _form(browser, "调整完成时限")
    form.find_element(By.NAME, "due_date").send_keys(date.today().strftime("%m%d%Y"))
    form.find_element(By.NAME, "reason").send_keys("提前完成")
    browser.submit(form.find_element(By.XPATH, ".//button[text()='调整']"))
    text = readable(browser, w)
    assert STALE in text and "已保存" not in text
    assert f"完成时限改为{day(moved)}" in _latest(browser) and "李委员" in _latest(browser)
    browser.screenshot("item-stale")
    browser.open(f"/app/items/{item}")  # read again: the change goes through
    form = _form(browser, "调整完成时限")
    form.find_element(By.NAME, "due_date").send_keys(date.today().strftime("%m%d%Y"))
    form.find_element(By.NAME, "reason").send_keys("提前完成")
    browser.submit(form.find_element(By.XPATH, ".//button[text()='调整']"))
    assert "已保存" in browser.text() and "原因：提前完成" in _latest(browser)


def test_organisational_life_due_held_and_a_meeting_recorded(web):
    cluster, browser = web
    w = cluster.world
    b = w.branches["own"]
    browser = sign_in(web, "secretary")
    browser.open(f"/app/b/{b}/meetings")
    browser.driver.find_element(
        By.CSS_SELECTOR, "select[name=meeting_type] option[value=committee_meeting]"
    ).click()
    browser.driver.find_element(By.NAME, "title").send_keys("研究年度考核工作")
    browser.driver.find_element(By.NAME, "minutes").send_keys("一、通报考核安排\n二、明确分工")
    absent = browser.driver.find_element(By.CSS_SELECTOR, "select[aria-label='钱党员的出勤']")
    absent.find_element(By.CSS_SELECTOR, "option[value=on_leave]").click()
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='保存']"))
    assert "已保存" in browser.text()

    browser.open(f"/app/b/{b}/org-life")
    text = readable(browser, w)
    assert "应开未开" in text and browser.driver.find_elements(By.CSS_SELECTOR, ".chip.not_held")
    assert "支委会" in text and "研究年度考核工作" in text and "一月组会" in text
    browser.screenshot("org-life")
    browser.driver.find_element(By.LINK_TEXT, "研究年度考核工作").click()
    text = readable(browser, w)
    assert "一、通报考核安排\n二、明确分工" in text and f"召开日期\n{day(date.today())}" in text
    assert "钱党员 请假" in text and "赵党员 出席" in text and "记录人\n张书记" in text
    browser.screenshot("meeting-record")


def test_a_group_leader_sees_the_groups_ledger_and_meetings(web):
    cluster, browser = web
    w = cluster.world
    b, g = w.branches["own"], w.groups["own"]
    browser = sign_in(web, "leader")
    browser.open(f"/app/b/{b}/groups/{g}")
    text = readable(browser, w)
    assert "本月到期" in text and "走访调研报告" in text  # overdue, in the group's ledger
    browser.driver.find_element(By.LINK_TEXT, "本组组织生活").click()
    text = readable(browser, w)
    assert "组织生活 一组" in text and "一月组会" in text and "支委会" not in text
    browser.driver.find_element(By.LINK_TEXT, "一月组会").click()
    assert "赵党员 出席" in readable(browser, w)
    browser.open(f"/app/items/{w.items['own']}")
    assert "调整事项" in readable(browser, w)  # their group's member item: theirs to manage


def test_a_group_leader_plans_for_a_member_and_records_the_groups_meeting(web):
    cluster, browser = web
    w = cluster.world
    b, g = w.branches["own"], w.groups["own"]
    browser = sign_in(web, "leader")
    browser.open(f"/app/b/{b}/groups/{g}")
    browser.driver.find_element(By.LINK_TEXT, "为党员安排事项").click()
    owners = browser.driver.find_elements(By.CSS_SELECTOR, "select[name=owner_id] option")
    assert {o.text for o in owners} == {"—", "张书记", "王组长", "赵党员"}  # the group's only
    levels = browser.driver.find_elements(By.CSS_SELECTOR, "select[name=level] option")
    assert [o.text for o in levels] == ["党小组", "党员"]
    browser.driver.find_element(By.NAME, "title").send_keys("撰写学习体会")
    _pick(browser.driver, "owner_id", "赵党员")
    due = date.today() + timedelta(days=5)
    browser.driver.find_element(By.NAME, "due_date").send_keys(due.strftime("%m%d%Y"))
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='安排']"))
    assert "已保存" in readable(browser, w)
    browser.open(f"/app/b/{b}/items?owner_id={w.people['member']}")
    assert "撰写学习体会" in readable(browser, w)

    browser.open(f"/app/b/{b}/groups/{g}")
    browser.driver.find_element(By.LINK_TEXT, "记录党小组会").click()
    types = browser.driver.find_elements(By.CSS_SELECTOR, "select[name=meeting_type] option")
    assert [t.text for t in types] == ["党小组会"]
    browser.driver.find_element(By.NAME, "title").send_keys("十二月组会")
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='保存']"))
    assert "已保存" in browser.text()
    browser.open(f"/app/b/{b}/org-life?group_id={g}")
    assert "十二月组会" in readable(browser, w)


def test_a_member_who_left_is_named_where_they_acted(web):
    cluster, browser = web
    w = cluster.world
    b, leaver = w.branches["own"], f"lv{w.run}"
    secretary = w.people["secretary"]
    cluster.call(
        "ledger",
        "admit_member",
        actor_id=secretary,
        branch_id=b,
        member_id=leaver,
        name="周离任",
        group_id=w.groups["own"],
    )
    item = _plan(cluster, "left", "整理党员档案", level="member", owner_id=leaver)
    cluster.call(
        "ledger", "remove_member", actor_id=secretary, branch_id=b, member_id=leaver, reason="调离"
    )
    browser = sign_in(web, "secretary")
    browser.open(f"/app/items/{item}")
    text = readable(browser, w)
    assert "责任人\n周离任" in text and "已离开" not in text
    browser.open(f"/app/b/{b}/items?owner_id={leaver}")
    assert "整理党员档案" in readable(browser, w) and "责任人 周离任" in browser.text()


def test_the_secretary_opens_a_cycle_by_its_name(web):
    cluster, browser = web
    w = cluster.world
    browser = sign_in(web, "secretary")
    browser.open(f"/app/b/{w.branches['own']}/appraisal")
    name = f"{date.today().year}年下半年评议"
    _pick(browser.driver, "cycle", name)
    closes = date.today() + timedelta(days=10)
    browser.driver.find_element(By.NAME, "closes_on").send_keys(closes.strftime("%m%d%Y"))
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='开启']"))
    text = readable(browser, w)
    assert "已保存" in text
    opened = browser.driver.find_element(By.XPATH, f"//section[h2[contains(., '{name}')]]")
    assert f"至 {day(closes)} 23:59" in opened.text
    browser.screenshot("appraisal-opened")


def test_the_secretary_plans_a_routine_item_reviewed_each_quarter(web):
    cluster, browser = web
    w = cluster.world
    browser = sign_in(web, "secretary")
    browser.open(f"/app/b/{w.branches['own']}/plan")
    cadences = browser.driver.find_elements(By.CSS_SELECTOR, "select[name=cadence] option")
    assert [o.text for o in cadences] == ["全年", "半年", "季度", "每月", "日常", "一次性"]
    browser.driver.find_element(By.NAME, "title").send_keys("意识形态工作日常督查")
    _pick(browser.driver, "level", "支部")
    _pick(browser.driver, "cadence", "日常")
    _pick(browser.driver, "review", "每季度回顾")
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='安排']"))
    assert "已保存" in readable(browser, w)
    browser.open(f"/app/b/{w.branches['own']}/items?level=branch")
    browser.driver.find_element(By.LINK_TEXT, "意识形态工作日常督查").click()
    text = readable(browser, w)
    assert "日常 · 每季度回顾" in text and "共 4 期" in text
    assert "第四季度 · 完成时限" in text
    browser.screenshot("item-routine")


def test_a_lecture_by_a_guest_and_a_joint_activity_day_are_recorded_and_shown(web):
    cluster, browser = web
    w = cluster.world
    b = w.branches["own"]
    browser = sign_in(web, "secretary")
    browser.open(f"/app/b/{b}/meetings")
    _pick(browser.driver, "meeting_type", "党课")
    browser.driver.find_element(By.NAME, "title").send_keys("专题党课：学习党章")
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='保存']"))
    refused = browser.driver.find_element(By.CSS_SELECTOR, "div.error").text
    assert "请检查：授课人" in refused  # a party lecture names its lecturer
    browser.open(f"/app/b/{b}/meetings")
    _pick(browser.driver, "meeting_type", "党课")
    browser.driver.find_element(By.NAME, "title").send_keys("专题党课：学习党章")
    browser.driver.find_element(By.NAME, "lecturer_name").send_keys("周明（分管院领导）")
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='保存']"))
    assert "已保存" in browser.text()
    browser.open(f"/app/b/{b}/meetings")
    _pick(browser.driver, "meeting_type", "主题党日活动")
    browser.driver.find_element(By.NAME, "title").send_keys("联建主题党日")
    browser.driver.find_element(By.NAME, "partner").send_keys("基层联系点法院机关党支部")
    browser.driver.find_element(By.NAME, "place").send_keys("基层联系点法院")
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='保存']"))
    assert "已保存" in browser.text()

    browser.open(f"/app/b/{b}/org-life")
    text = readable(browser, w)
    assert "授课人 周明（分管院领导）（支部外）" in text
    assert "联建单位 基层联系点法院机关党支部 · 地点 基层联系点法院" in text
    browser.driver.find_element(By.LINK_TEXT, "联建主题党日").click()
    text = readable(browser, w)
    assert "联建单位\n基层联系点法院机关党支部" in text and "地点\n基层联系点法院" in text
    browser.open(f"/app/b/{b}/org-life")
    browser.driver.find_element(By.LINK_TEXT, "专题党课：学习党章").click()
    assert "授课人\n周明（分管院领导）（支部外）" in readable(browser, w)
    browser.screenshot("meeting-lecture")


def test_what_was_done_about_an_overdue_item_is_recorded_and_shown(web):
    cluster, browser = web
    w = cluster.world
    browser = sign_in(web, "secretary")
    browser.open(f"/app/items/{w.items['own']}")
    form = _form(browser, "记录追究问责")
    _pick(form, "action", "约谈")
    form.find_element(By.NAME, "note").send_keys("已约谈，限期一周完成")
    browser.submit(form.find_element(By.XPATH, ".//button[text()='记录']"))
    text = readable(browser, w)
    assert "已保存" in text and "追究问责 · 张书记" in _latest(browser)
    assert f"措施：约谈（{day(date.today())}）" in _latest(browser)
    assert f"已追究：约谈（{day(date.today())}，张书记）已约谈，限期一周完成" in text
    browser.open(f"/app/b/{w.branches['own']}/dashboard")
    overdue = browser.driver.find_element(By.XPATH, "//li[.//a[text()='走访调研报告']]")
    assert "已追究：约谈" in overdue.text and "张书记" in overdue.text
    browser.screenshot("dashboard-accountability")
    browser = sign_in(web, "member")  # the owner works on it; recording is not theirs
    browser.open(f"/app/items/{w.items['own']}")
    assert "已追究：约谈" in readable(browser, w) and "记录追究问责" not in browser.text()


def test_a_sixth_article_this_month_is_recorded_and_said_to_be_beyond_the_norm(web):
    cluster, browser = web
    w = cluster.world
    for n in range(6):
        cluster.call(
            "ledger",
            "post_article",
            actor_id=w.people["member"],
            branch_id=w.branches["own"],
            member_id=w.people["member"],
            article_id=f"six{n}{w.run}",
            title=f"学习心得{n + 1}",
            posted_on=date.today().isoformat(),
        )
    browser = sign_in(web, "member")
    browser.open(f"/app/b/{w.branches['own']}/study")
    text = readable(browser, w)
    assert "6 篇" in text and "学习心得6" in text
    assert "本月已超过 5 篇的常规要求" in browser.driver.find_element(By.ID, "beyond-norm").text


def test_an_open_cycles_peer_review_is_written_under_a_name_the_reviewee_sees(web):
    cluster, browser = web
    w = cluster.world
    b = w.branches["own"]
    browser = sign_in(web, "secretary")
    browser.open(f"/app/b/{b}/appraisal")
    name = f"{date.today().year + 1}年第一季度评议"
    _pick(browser.driver, "cycle", name)
    _pick(browser.driver, "peer_mode", "实名互评")
    browser.driver.find_element(By.NAME, "opens_on").clear()
    browser.driver.find_element(By.NAME, "opens_on").send_keys(
        (date.today() - timedelta(days=1)).strftime("%m%d%Y")
    )
    closes = date.today() + timedelta(days=10)
    browser.driver.find_element(By.NAME, "closes_on").send_keys(closes.strftime("%m%d%Y"))
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='开启']"))
    opened = browser.driver.find_element(By.XPATH, f"//section[h2[contains(., '{name}')]]")
    assert "实名互评" in opened.text

    browser = sign_in(web, "member")
    browser.open(f"/app/b/{b}/appraisal")
    section = browser.driver.find_element(By.XPATH, f"//section[h2[contains(., '{name}')]]")
    assert "互评（实名）" in section.text
    row = section.find_element(By.XPATH, ".//li[starts-with(., '王组长：')]")
    row.find_element(By.LINK_TEXT, "填写互评").click()
    assert "本次评议为实名互评" in readable(browser, w)
    for field in ("ideological_education", "fulfilling_responsibility", "following_rules"):
        browser.driver.find_element(By.NAME, field).send_keys("92")
    browser.driver.find_element(By.NAME, "supervision").send_keys("88")
    browser.driver.find_element(By.NAME, "comments").send_keys("乐于帮助同志")
    browser.submit(browser.driver.find_element(By.XPATH, "//button[text()='提交互评']"))
    assert "已保存" in browser.text()

    browser = sign_in(web, "leader")
    browser.open(f"/app/b/{b}/appraisal")
    section = browser.driver.find_element(By.XPATH, f"//section[h2[contains(., '{name}')]]")
    received = section.find_element(By.CSS_SELECTOR, "ul.received")
    assert "赵党员" in received.text and "乐于帮助同志" in received.text
    assert "我收到的互评（实名）" in section.text
    browser.screenshot("appraisal-open-peer-review")
