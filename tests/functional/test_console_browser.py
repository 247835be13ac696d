"""The console in a real headless browser (Debian's chromium through its chromedriver, selenium) against
`dozor serve` with a live VK burst: log in, see the register, open the risk, press «Взять в работу» (the state
changes in the database and the chat's card is edited), run a SQL query, see an INSERT refused.
DOZOR_SCREENSHOTS=DIR saves the register's and the risk page's screenshots there (docs/img/)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.functional.serve_harness import LOGIN, PASSWORD, WATER, served

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture
def browser():
    if not (CHROMIUM.exists() and (DRIVER.exists() or shutil.which("chromedriver"))):
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs chromium and chromium-driver (the Makefile's `browser` target installs them)")
        pytest.skip("no chromium/chromedriver here (apt-get install chromium chromium-driver, or `make browser`)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1360,900",
                "--lang=ru-RU", "--disable-gpu"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(DRIVER if DRIVER.exists() else shutil.which("chromedriver"))),
                              options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _shot(driver, name: str) -> None:
    folder = os.environ.get("DOZOR_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / name))


def test_duty_shift_works_a_risk_in_the_browser(tmp_path, models_dir, kit, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 30)
    with served(tmp_path, models_dir) as s:
        s.vk_burst(WATER)
        risk = s.wait(lambda: s.risks(), what="a risk in the register")[0]
        alert_id = risk["alert_id"]
        s.wait(lambda: any(alert_id in c.params["text"] for c in s.cards()), what="its card in the chat")

        browser.get(s.base + "/")                                     # anonymous: the login page
        assert "/login" in browser.current_url
        browser.find_element(By.ID, "login").send_keys(LOGIN)
        browser.find_element(By.ID, "password").send_keys(PASSWORD)
        browser.find_element(By.ID, "enter").click()
        link = wait.until(ec.presence_of_element_located((By.LINK_TEXT, alert_id)))
        row = link.find_element(By.XPATH, "./ancestor::tr")
        assert "Водоснабжение" in row.text and "Демянск" in row.text and "до норматива" in row.text
        _shot(browser, "console-register.png")

        link.click()
        wait.until(ec.presence_of_element_located((By.ID, "act-take")))
        assert "Сообщения на оси времени" in browser.page_source
        assert len(browser.find_elements(By.CSS_SELECTOR, "ol.posts li")) == len(WATER)
        browser.find_element(By.ID, "act-take").click()
        flash = wait.until(ec.presence_of_element_located((By.ID, "flash")))
        assert flash.text == "Риск взят в работу."
        assert browser.find_element(By.ID, "state").text == "в работе"
        _shot(browser, "console-risk.png")
        s.wait(lambda: any(alert_id in c.params["text"] and "в работе" in c.params["text"].lower()
                           for c in s.tg.calls("editMessageText")), what="the card edited in the chat")

        browser.get(s.base + "/sql")
        area = browser.find_element(By.ID, "sql")
        area.send_keys("SELECT source, count() AS posts FROM posts GROUP BY source")
        browser.find_element(By.ID, "run").click()
        table = wait.until(ec.presence_of_element_located((By.ID, "result")))
        assert "vk:-" in table.text and str(len(WATER)) in table.text
        area = browser.find_element(By.ID, "sql")
        area.clear()
        area.send_keys("INSERT INTO posts (uid) VALUES ('x')")
        browser.find_element(By.ID, "run").click()
        error = wait.until(ec.presence_of_element_located((By.ID, "sql-error")))
        assert "только запросы SELECT" in error.text
        code, out = s.stop()
    assert code == 0, out

    query = (f"SELECT argMax(event, (at, seq)) AS event, argMax(state, (at, seq)) AS state, "
             f"argMax(actor, (at, seq)) AS actor, (SELECT count() FROM posts WHERE uid = 'x') AS inserted "
             f"FROM risk_events FINAL WHERE alert_id = '{alert_id}'")
    env = {**os.environ, "DOZOR_DATA_DIR": str(tmp_path / "data")}        # the process is gone: its database
    done = subprocess.run([sys.executable, "-m", "pipeline.commands", "sql", query, "--format", "jsonl"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert json.loads(done.stdout) == {"event": "taken", "state": "in_work", "actor": LOGIN, "inserted": 0}
