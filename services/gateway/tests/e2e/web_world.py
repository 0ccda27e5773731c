"""The web app's tests' world: the end-to-end world with its people, branches and items named in
Chinese (the pages show names, never ids); conftest's `web` serves it with a browser beside it."""

from __future__ import annotations

import re
from functools import partial

from .browser import Browser
from .world import PASSWORD, seed

# The pages show people by name: the world's, in Chinese.
NAMES = {
    "委员": "李委员",
    "secretary": "张书记",
    "leader": "王组长",
    "member": "赵党员",
    "member2": "钱党员",
    "foreign": "孙书记",
}
TITLES = {"own 调研": "走访调研报告", "branch 调研": "支部年度调研", "foreign 调研": "外支部调研"}
# A page is several calls at once (the overview: four per branch), on a machine busy with the
# browser besides: more time than the API's tests give a single call.
BROWSER_RPC_TIMEOUT = 10


def chinese(call, method: str, **payload):
    if method == "register_institution":
        payload["founders"] = [
            {**f, "name": NAMES.get(f["name"], f["name"])} for f in payload["founders"]
        ]
    if method == "admit_member":
        payload["name"] = NAMES.get(payload["name"], payload["name"])
    if method == "register_branch":
        payload["name"] = payload["name"].replace("own", "第一").replace("foreign", "第二")
    if method == "plan_item":
        payload["title"] = TITLES.get(payload["title"], payload["title"])
    return call(method, **payload)


def chinese_world(call, world):
    return seed(partial(chinese, call), world)


def sign_in(web, role: str) -> Browser:
    cluster, browser = web
    browser.sign_in(cluster.world.username(role), PASSWORD)
    return browser


# What a person must never read on a page: a code of the API where Chinese belongs (a day or a
# period as the API writes it: 2026-03-20, 2026-05, 2026-Q1, 2026-H2).
CODES = re.compile(r"\b\d{4}-(?:\d{2}|Q[1-4]|H[12])\b")


def readable(browser: Browser, world) -> str:
    """The page's text, checked to be for people: no error, no code, no id (every id of the
    world ends in its run, which no name holds)."""
    text = browser.text()
    assert "出错了" not in text, browser.driver.current_url
    assert not CODES.search(text), (browser.driver.current_url, CODES.search(text))
    assert world.run not in text, browser.driver.current_url
    return text
