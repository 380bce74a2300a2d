"""End to end: ``vnsearch serve`` on the seeds, driven in headless Chromium.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them). Without them
the test is skipped, unless VNSEARCH_E2E=required (as in CI), where it fails instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from searcher import SearchEngine

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    if os.environ.get("VNSEARCH_E2E") == "required":
        raise RuntimeError(f"VNSEARCH_E2E=required but {CHROMIUM} or {CHROMEDRIVER} is missing")
    pytest.skip("needs chromium and chromedriver (apt install chromium chromium-driver)", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(seeds_engine: SearchEngine) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "searcher", "serve", "--index", seeds_engine.path, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"vnsearch serve exited: {process.stderr.read() if process.stderr else ''}") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1100,900", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_type_a_query_see_results_and_follow_the_suggestion(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("cong doan vien chuc")
    box.submit()
    wait = WebDriverWait(browser, 10)
    wait.until(expected_conditions.presence_of_element_located((By.ID, "stats")))

    assert browser.title == "cong doan vien chuc — vnsearch — Tìm kiếm tin tức"
    titles = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "ol.hits h2")]
    assert titles[0] == "Công đoàn viên chức tỉnh sơ kết hoạt động công đoàn 6 tháng đầu năm"
    assert browser.find_element(By.ID, "stats").text.startswith("5 kết quả")
    marked = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "ol.hits .snippet b")]
    assert "Công đoàn" in marked or "công đoàn" in marked
    suggestion = browser.find_element(By.ID, "suggestion")
    assert suggestion.text == "Ý bạn là: công đoàn viên chức"
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "search-page.png"))

    suggestion.find_element(By.TAG_NAME, "a").click()
    wait.until(expected_conditions.title_contains("công đoàn viên chức"))
    assert browser.find_element(By.NAME, "q").get_attribute("value") == "công đoàn viên chức"
    assert not browser.find_elements(By.ID, "suggestion")  # never suggests what was typed


def test_filter_by_year_and_sort_by_date(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/?q=cong+doan")
    browser.find_element(By.CSS_SELECTOR, "#facet-year a").click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("year="))
    years = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#facet-year li")]
    assert years[0] == "« Mọi năm" and len(years) == 2
    browser.find_element(By.LINK_TEXT, "mới nhất").click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("sort=date"))
    assert browser.find_element(By.CSS_SELECTOR, ".sort span").text == "mới nhất"


def test_results_follow_what_is_typed_with_completions(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("cong doa")  # not submitted
    wait = WebDriverWait(browser, 10)
    wait.until(expected_conditions.presence_of_element_located((By.ID, "stats")))
    options = [o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "#completions option")]
    assert options[0] == "công đoàn"
    assert browser.find_element(By.ID, "stats").text.startswith("5 kết quả")
    assert browser.find_element(By.NAME, "q").get_attribute("value") == "cong doa"  # what was typed stays
    box.send_keys("n vien chu")  # mid-word: the results are those of the likeliest completion
    wait.until(expected_conditions.title_contains("công đoàn viên chức"))
    assert browser.find_element(By.NAME, "q").get_attribute("value") == "cong doan vien chu"
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "search-as-you-type.png"))


def test_keystrokes_are_shown_converted(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/?q=coong+ddoanf")
    showing = browser.find_element(By.ID, "showing")
    assert showing.text.startswith("Đang hiển thị kết quả cho công đoàn")
    showing.find_element(By.TAG_NAME, "a").click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("as_typed=true"))
    assert not browser.find_elements(By.ID, "showing")


def test_a_phrase_no_article_has_is_searched_as_its_words_and_said_so(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/?q=%22c%C3%B4ng+%C4%91o%C3%A0n+t%E1%BB%95ng+k%E1%BA%BFt+h%E1%BB%99i+ngh%E1%BB%8B%22")  # "công đoàn tổng kết hội nghị"
    notices = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "p.relaxed")]
    assert notices == ["Không bài nào có đúng cụm từ “công đoàn tổng kết hội nghị”; đây là các bài có các từ của nó."]
    assert browser.find_element(By.ID, "stats").text.startswith("5 kết quả")
    browser.get(server + "/?q=%22c%C3%B4ng+%C4%91o%C3%A0n+vi%C3%AAn+ch%E1%BB%A9c+t%E1%BB%89nh%22")  # "công đoàn viên chức tỉnh": there
    assert browser.find_element(By.ID, "stats").text.startswith("2 kết quả")
    assert not browser.find_elements(By.CSS_SELECTOR, "p.relaxed")
