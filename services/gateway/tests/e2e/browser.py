"""Headless Chromium (Debian's `chromium` and `chromium-driver`) driven by Selenium, for the web
app's journeys, and the screenshots each journey leaves in artifacts/web/ (git ignores it)."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import alert_is_present
from selenium.webdriver.support.ui import WebDriverWait

ARTIFACTS = Path(__file__).resolve().parents[4] / "artifacts" / "web"
CHROMEDRIVER = "/usr/bin/chromedriver"
DESKTOP = (1280, 900)
PHONE = 375


def chromium() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={DESKTOP[0]},{DESKTOP[1]}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    return driver


class Browser:
    def __init__(self, driver: webdriver.Chrome, base: str):
        self.driver, self.base = driver, base

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def sign_in(self, username: str, password: str) -> None:
        self.driver.delete_all_cookies()
        self.open("/app/login")
        self.driver.find_element(By.NAME, "username").send_keys(username)
        self.driver.find_element(By.NAME, "password").send_keys(password)
        self.submit(self.driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
        self.driver.find_element(By.CSS_SELECTOR, "nav.menu")  # signed in: the menu shows

    def submit(self, button, confirm: bool = False) -> None:
        """Clicks a form's button (saying yes when the page asks) and waits for the page the
        form leads to: one without the mark this page is given."""
        self.driver.execute_script("window.leaving = true")
        button.click()
        if confirm:
            WebDriverWait(self.driver, 10).until(alert_is_present()).accept()
        arrived = "return !window.leaving && document.readyState === 'complete'"
        WebDriverWait(self.driver, 30, ignored_exceptions=(WebDriverException,)).until(
            lambda driver: driver.execute_script(arrived)
        )

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def phone(self, on: bool) -> None:
        """The viewport of a 375 px wide phone (or the desktop's again)."""
        if on:
            metrics = {"width": PHONE, "height": 812, "deviceScaleFactor": 1, "mobile": True}
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        else:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def scrolls_sideways(self) -> bool:
        return self.driver.execute_script(
            "return document.documentElement.scrollWidth > window.innerWidth"
        )

    def screenshot(self, name: str) -> None:
        """The whole page, as tall as it is."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
        )
        (ARTIFACTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
