"""The web page in a real browser: headless Chromium (Debian's) driven by Selenium.

Against a real uvicorn on 127.0.0.1 over a temp corpus indexed with the real model: ask,
see the API's quote highlighted, follow the deep link, upload and delete, and see markup
shown as text. Screenshots go to test-artifacts/screenshots/ (the run prints the path).
In CI (CI set) a missing browser fails these tests; elsewhere it skips them.
"""

from __future__ import annotations

import os

import httpx
import pytest

from harness import browser
from harness.servers import serve
from qa.api.app import create_app
from qa.runtime import Runtime
from tests.qa.web.conftest import SHOTS, TAKEN
from tests.support.web_corpus import (
    MARKUP_ID,
    MARKUP_QUESTION,
    PAYROLL_QUESTION,
    UNANSWERABLE,
    web_corpus,
)

KEY = "browser-write-key-91c2"
WAIT = 90  # seconds; the machines are shared and the first answer loads the model's kernels
FILLER = "\n\n".join(
    f"Section {n} of the handbook covers routine upkeep of the building, item number {n}."
    for n in range(1, 90)
)
HANDBOOK = (
    "Office handbook\n\n"
    + FILLER
    + "\n\nThe office cat is named Biscuit and sleeps by the radiator.\n"
)
CAT_QUESTION = "What is the name of the office cat?"
OTTERS = "Sea otters\n\nSea otters crack open clams by hitting them with stones they keep.\n"
OTTER_QUESTION = "How do sea otters open clams?"


@pytest.fixture(scope="module")
def driver(request):
    why = browser.missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests need Chromium in CI: {why}")
        pytest.skip(why)
    SHOTS.mkdir(parents=True, exist_ok=True)
    request.config.stash[TAKEN] = True  # the run's summary prints where they are
    with browser.chromium(width=1000, height=700) as chrome:
        chrome.implicitly_wait(0)
        yield chrome


@pytest.fixture(scope="module")
def site(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("web-browser")
    settings = web_corpus(root, embedder, more={"handbook.txt": HANDBOOK}, api_key=KEY)
    with serve(create_app(Runtime.build(settings, embedder), plugins=False)) as url:
        yield url


def wait_for(driver, css: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def find(driver, css: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, css)


def find_all(driver, css: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, css)


def text_of(element) -> str:
    """The DOM text exactly (Selenium's ``.text`` is the rendered, whitespace-folded one)."""
    return element.get_attribute("textContent")


def ask(driver, site: str, question: str) -> None:
    driver.get(site + "/")
    box = wait_for(driver, "#q")
    box.clear()
    box.send_keys(question)
    find(driver, "#ask-button").click()
    wait_for(driver, "#answer, #not-found, #error")


def api_answer(site: str, question: str) -> dict:
    response = httpx.post(site + "/ask", json={"question": question}, timeout=WAIT)
    assert response.status_code == 200, response.text
    return response.json()


def test_typed_question_shows_the_api_quote_highlighted(driver, site):
    expected = api_answer(site, PAYROLL_QUESTION)
    ask(driver, site, PAYROLL_QUESTION)

    marks = find_all(driver, "#answer mark")
    assert [text_of(m) for m in marks] == [q["text"] for q in expected["quotes"]]
    assert find(driver, "#confidence").text == f"{expected['confidence']:.2f}"
    assert "payroll.txt" in find(driver, "article.quote.top .cite").text
    driver.save_screenshot(str(SHOTS / "answer.png"))


def test_not_found_shows_the_nearest_passages(driver, site):
    expected = api_answer(site, UNANSWERABLE)
    ask(driver, site, UNANSWERABLE)

    assert expected["answered"] is False
    assert "I could not find this" in find(driver, "#not-found h2").text
    assert len(find_all(driver, "#not-found article.passage")) == len(expected["passages"])
    assert not find_all(driver, "mark")
    driver.save_screenshot(str(SHOTS / "not-found.png"))


def test_deep_link_opens_the_document_scrolled_to_the_highlight(driver, site):
    expected = api_answer(site, CAT_QUESTION)["quotes"][0]
    assert "Biscuit" in expected["text"]
    ask(driver, site, CAT_QUESTION)
    find(driver, "article.quote.top a.view-link").click()
    mark = wait_for(driver, "#document mark#quote")

    assert driver.current_url == site + expected["links"]["view"]
    assert text_of(mark) == expected["text"]
    top, bottom, height, scrolled = driver.execute_script(
        "const r = document.getElementById('quote').getBoundingClientRect();"
        "return [r.top, r.bottom, window.innerHeight, window.scrollY];"
    )
    assert scrolled > 0  # the handbook is long: the page had to move to show the quote
    assert top >= 0 and bottom <= height
    driver.save_screenshot(str(SHOTS / "document-view.png"))


def test_markup_in_documents_and_questions_is_shown_as_text(driver, site):
    driver.get(f"{site}/documents/{MARKUP_ID}/view")
    document = wait_for(driver, "#document")

    assert "<script>window.__pwned = 1;</script>" in text_of(document)
    assert "<b>bold</b>" in document.text  # visible as typed, not bold
    assert driver.execute_script("return document.querySelectorAll('#document *').length") == 0
    assert driver.execute_script("return window.__pwned === undefined")
    assert find(driver, "#title").text == "Notes on <script> & <b>markup</b>"
    driver.save_screenshot(str(SHOTS / "markup-as-text.png"))

    question = MARKUP_QUESTION + " <img src=x onerror=window.__pwned=2>"
    ask(driver, site, question)
    assert find(driver, "#q").get_attribute("value") == question
    assert driver.execute_script("return document.querySelectorAll('main img').length") == 0
    assert driver.execute_script("return window.__pwned === undefined")


def test_upload_then_answer_then_delete_with_the_key_typed_in(driver, site, tmp_path):
    otters = tmp_path / "otters.txt"
    otters.write_text(OTTERS, encoding="utf-8")
    driver.get(site + "/library")
    wait_for(driver, "#api-key").send_keys(KEY)
    find(driver, "#key-form button[type=submit]").click()
    assert find(driver, "#key-state").text == "a key is set for this tab"
    assert KEY not in driver.page_source  # kept in sessionStorage, not in the page
    assert driver.execute_script("return sessionStorage.getItem('qa-bot.api-key')") == KEY

    find(driver, "#file").send_keys(str(otters))
    find(driver, "#upload-button").click()
    status = wait_for(driver, "#status.ok")
    assert status.text.startswith("added: Sea otters (otters.txt)")
    driver.save_screenshot(str(SHOTS / "uploaded.png"))

    ask(driver, site, OTTER_QUESTION)
    top = find(driver, "article.quote.top")
    assert "stones" in text_of(find(driver, "article.quote.top mark"))
    assert "otters.txt" in top.text

    driver.get(site + "/library")
    row = wait_for(driver, "tr[data-id] button.delete[data-title='Sea otters']")
    row.click()
    driver.switch_to.alert.accept()
    assert wait_for(driver, "#status.ok").text == "deleted: Sea otters"
    assert "Sea otters" not in find(driver, "#documents").text


def test_upload_errors_show_the_api_message(driver, site, tmp_path):
    bad = tmp_path / "notes.exe"
    bad.write_bytes(b"MZ binary")
    api = httpx.post(
        site + "/documents",
        headers={"X-API-Key": KEY},
        timeout=WAIT,
        files={"file": ("notes.exe", bad.read_bytes())},
    ).json()["error"]
    driver.get(site + "/library")
    wait_for(driver, "#api-key").send_keys(KEY)
    find(driver, "#key-form button[type=submit]").click()

    find(driver, "#file").send_keys(str(bad))
    find(driver, "#upload-button").click()
    assert wait_for(driver, "#status.error").text == f"Upload failed: {api['message']}"

    driver.execute_script("sessionStorage.setItem('qa-bot.api-key', 'wrong')")
    find(driver, "#file").send_keys(str(bad))
    find(driver, "#upload-button").click()
    wrong = httpx.post(
        site + "/documents",
        headers={"X-API-Key": "wrong"},
        timeout=WAIT,
        files={"file": ("notes.exe", b"x")},
    ).json()["error"]
    expected = f"Upload failed: {wrong['message']} ({wrong['hint']})"
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(lambda d: find(d, "#status").text == expected)
