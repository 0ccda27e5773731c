"""Attachments in the web app, in headless Chromium: a member notes progress with a photo as its
evidence, a group leader attaches a meeting's minutes, the secretary files a report with its
document; each file listed by name and size in Chinese, and downloaded from the page."""

from __future__ import annotations

import pytest
import requests
from selenium.webdriver.common.by import By

from tests.attachments.samples import ALLOWED, REFUSED

from .web_world import readable, sign_in

pytestmark = pytest.mark.servers


def _file(tmp_path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def _download(browser, link) -> requests.Response:
    """What the link answers to the browser's session (its cookies, sent as the browser would)."""
    cookies = {c["name"]: c["value"] for c in browser.driver.get_cookies()}
    return requests.get(link.get_attribute("href"), cookies=cookies, timeout=30)


def test_files_are_attached_listed_and_downloaded_on_the_pages(web, tmp_path):
    cluster, browser = web
    w = cluster.world
    browser = sign_in(web, "member")
    browser.open(f"/app/items/{w.items['own']}")
    noted = browser.driver.find_element(By.XPATH, "//details[summary[text()='记录进展']]")
    noted.find_element(By.TAG_NAME, "summary").click()
    noted.find_element(By.NAME, "note").send_keys("已走访三户，附现场照片")
    photo = ALLOWED["现场.png"][0]
    noted.find_element(By.NAME, "file").send_keys(_file(tmp_path, "走访现场.png", photo))
    browser.submit(noted.find_element(By.XPATH, ".//button[text()='保存进展']"))
    text = readable(browser, w)
    assert "已保存" in text
    assert "最新进展：已走访三户，附现场照片" in text
    link = browser.driver.find_element(By.LINK_TEXT, "走访现场.png")
    assert browser.driver.find_element(By.CSS_SELECTOR, "img.thumb").get_attribute("alt") == (
        "走访现场.png"
    )
    assert f"{len(photo)} 字节" in link.find_element(By.XPATH, "..").text
    got = _download(browser, link)
    assert got.status_code == 200 and got.content == photo
    assert "上传附件 · 赵党员" in text and "附件：走访现场.png" in text
    browser.screenshot("item-attachments")

    # A file of a type not allowed is refused, and the page says why; nothing is attached.
    refused = browser.driver.find_element(By.XPATH, "//details[summary[text()='上传附件']]")
    refused.find_element(By.TAG_NAME, "summary").click()
    refused.find_element(By.NAME, "file").send_keys(
        _file(tmp_path, "程序.exe", REFUSED["程序.exe"])
    )
    browser.submit(refused.find_element(By.XPATH, ".//button[text()='上传']"))
    assert "不支持这种文件" in browser.text()
    assert not browser.driver.find_elements(By.LINK_TEXT, "程序.exe")

    browser = sign_in(web, "leader")
    browser.open(f"/app/b/{w.branches['own']}/meetings/mt{w.run}")
    form = browser.driver.find_element(By.XPATH, "//details[summary[text()='上传附件']]")
    form.find_element(By.TAG_NAME, "summary").click()
    minutes = ALLOWED["会议纪要.pdf"][0]
    form.find_element(By.NAME, "file").send_keys(_file(tmp_path, "一月组会纪要.pdf", minutes))
    form.find_element(By.NAME, "note").send_keys("签字版纪要")
    browser.submit(form.find_element(By.XPATH, ".//button[text()='上传']"))
    assert "一月组会纪要.pdf" in readable(browser, w) and "签字版纪要" in browser.text()
    got = _download(browser, browser.driver.find_element(By.LINK_TEXT, "一月组会纪要.pdf"))
    assert got.content == minutes and got.headers["Content-Disposition"].startswith("attachment")
    browser.screenshot("meeting-attachments")

    browser = sign_in(web, "secretary")
    browser.open(f"/app/b/{w.branches['own']}/org-life")
    filing = browser.driver.find_element(By.XPATH, "//details[summary[text()='报送报告']]")
    filing.find_element(By.TAG_NAME, "summary").click()
    filing.find_element(By.NAME, "title").send_keys("第一季度党建工作报告")
    document = ALLOWED["报告.docx"][0]
    filing.find_element(By.NAME, "file").send_keys(_file(tmp_path, "一季度报告.docx", document))
    browser.submit(filing.find_element(By.XPATH, ".//button[text()='报送']"))
    text = readable(browser, w)
    assert "已保存" in text and "第一季度党建工作报告" in text
    report = browser.driver.find_element(By.XPATH, "//li[div[text()='第一季度党建工作报告']]")
    assert "会议纪要" in report.text  # the first of the kinds, the form's default
    got = _download(browser, report.find_element(By.LINK_TEXT, "一季度报告.docx"))
    assert got.content == document
    browser.screenshot("org-life-reports")
    browser.phone(True)
    try:
        browser.open(f"/app/items/{w.items['own']}")
        assert not browser.scrolls_sideways()
        browser.screenshot("item-attachments-phone")
    finally:
        browser.phone(False)
