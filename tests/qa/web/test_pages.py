"""The web page over real HTTP: answers in context, deep links, escaping, bad links.

A real uvicorn on 127.0.0.1 serves an index of a small temp corpus built with the real
model (tests/support/web_corpus.py). The browser-level checks are in test_browser.py.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

import httpx
import pytest

from harness.servers import serve
from qa.api.app import create_app
from qa.runtime import Runtime
from tests.support.settings import make_settings
from tests.support.web_corpus import (
    LIGHTHOUSE_FACT,
    LIGHTHOUSE_QUESTION,
    LIGHTHOUSE_URL,
    MARKUP_ID,
    MARKUP_QUESTION,
    PAYROLL_FACT,
    PAYROLL_ID,
    PAYROLL_QUESTION,
    UNANSWERABLE,
    web_corpus,
)

KEY = "write-secret-7f3a"


@pytest.fixture(scope="module")
def index(tmp_path_factory, embedder):
    return web_corpus(tmp_path_factory.mktemp("web-pages"), embedder, api_key=KEY)


@pytest.fixture(scope="module")
def site(index, embedder):
    app = create_app(Runtime.build(index, embedder), plugins=False)
    with serve(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client


def marks(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<mark[^>]*>(.*?)</mark>", page, re.S)]


def hrefs(page: str, css_class: str) -> list[str]:
    found = re.findall(rf'<a class="{css_class}" href="([^"]*)"', page)
    return [html.unescape(h) for h in found]


def ask_api(site: httpx.Client, question: str) -> dict:
    response = site.post("/ask", json={"question": question})
    assert response.status_code == 200, response.text
    return response.json()


def test_answer_page_highlights_the_api_quote_inside_its_paragraph(site):
    api = ask_api(site, PAYROLL_QUESTION)
    page = site.get("/", params={"q": PAYROLL_QUESTION})

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert api["answered"] is True and PAYROLL_FACT in api["quotes"][0]["text"]
    assert marks(page.text) == [q["text"] for q in api["quotes"]]
    paragraph = re.search(r'<blockquote class="context"[^>]*>(.*?)</blockquote>', page.text, re.S)
    context = html.unescape(re.sub(r"</?mark>", "", paragraph.group(1)))
    assert "salaries are paid on the Friday before" in context  # the sentence after the quote
    assert "Payroll policy" in page.text and "payroll.txt" in page.text
    assert f"{api['confidence']:.2f}" in page.text
    assert hrefs(page.text, "view-link") == [q["links"]["view"] for q in api["quotes"]]


def test_not_found_page_says_so_and_lists_the_nearest_passages(site):
    api = ask_api(site, UNANSWERABLE)
    page = site.get("/", params={"q": UNANSWERABLE})

    assert api["answered"] is False
    assert page.status_code == 200
    assert "I could not find this in the documents." in page.text
    assert 'id="answer"' not in page.text and not marks(page.text)
    assert hrefs(page.text, "view-link") == [p["links"]["view"] for p in api["passages"]]
    for passage in api["passages"]:  # every nearest passage's own link opens on it
        assert site.get(passage["links"]["view"]).status_code == 200


def test_every_quote_link_opens_the_document_at_the_highlighted_span(site):
    api = ask_api(site, PAYROLL_QUESTION)
    for quote in api["quotes"]:
        view = site.get(quote["links"]["view"])
        assert view.status_code == 200
        assert marks(view.text) == [quote["text"]]
        assert 'id="quote"' in view.text
        document = site.get(f"/documents/{quote['document']['id']}").json()["text"]
        page_text = html.unescape(
            re.sub(
                r"</?mark[^>]*>", "", re.search(r'id="document">(.*?)</div>', view.text, re.S)[1]
            )
        )
        assert page_text == document  # the whole document, verbatim around the highlight


def test_web_sources_link_to_the_original_page_with_a_text_fragment(site):
    api = ask_api(site, LIGHTHOUSE_QUESTION)
    top = api["quotes"][0]
    assert LIGHTHOUSE_FACT in top["text"]
    prefix = LIGHTHOUSE_URL + "#:~:text="
    assert top["links"]["source"].startswith(prefix)
    assert unquote(top["links"]["source"][len(prefix) :]) == " ".join(top["text"].split())
    page = site.get("/", params={"q": LIGHTHOUSE_QUESTION})
    assert top["links"]["source"] in hrefs(page.text, "source")
    view = site.get(top["links"]["view"])
    assert top["links"]["source"] in hrefs(view.text, "source")


def test_document_text_titles_and_questions_are_shown_as_text(site):
    question = f"{MARKUP_QUESTION} <script>alert(1)</script>"
    page = site.get("/", params={"q": question})
    view = site.get(f"/documents/{MARKUP_ID}/view")
    library = site.get("/library")

    for response in (page, view, library):
        assert response.status_code == 200
        assert "<script>window" not in response.text and "<b>" not in response.text
        assert "<script>alert" not in response.text
        assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text  # the question, in the box
    assert "&lt;script&gt;window.__pwned = 1;&lt;/script&gt;" in view.text
    assert "Notes on &lt;script&gt; &amp; &lt;b&gt;markup&lt;/b&gt;" in library.text


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("start=0&end=99999", 404, "outside this document"),
        ("start=3&end=9", 422, "sentence bounds"),
        ("start=abc&end=9", 422, "whole number"),
        ("start=-1&end=9", 422, "whole number"),
        ("start=9&end=3", 422, "must be smaller"),
        ("start=3", 422, "both start and end"),
        ("start=99999999999999999999&end=1", 422, "whole number"),
    ],
)
def test_bad_deep_links_get_an_html_error_page_not_a_500(site, query, status, message):
    response = site.get(f"/documents/{PAYROLL_ID}/view?{query}")

    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert message in html.unescape(response.text)


def test_unknown_document_and_over_long_question_get_pages_with_the_reason(site):
    missing = site.get("/documents/0000000000000000/view?start=0&end=5")
    assert missing.status_code == 404 and "no document with id" in html.unescape(missing.text)
    too_long = site.get("/", params={"q": "why " * 400})
    assert too_long.status_code == 422
    assert "the limit is 1000" in too_long.text and 'id="q"' in too_long.text


def test_documents_page_lists_the_index_and_never_renders_the_key(site):
    library = site.get("/library")

    assert library.status_code == 200
    for title in ("Payroll policy", "The Hook Head lighthouse"):
        assert title in library.text
    assert library.text.count('class="delete"') == 3
    assert 'id="upload-form"' in library.text and 'type="password"' in library.text
    assert KEY not in library.text


def test_without_a_write_key_the_documents_page_offers_no_changes(index, embedder, serve_app):
    settings = index.model_copy(update={"api_key": None})
    url = serve_app(create_app(Runtime.build(settings, embedder), plugins=False))
    library = httpx.get(url + "/library", timeout=60)

    assert library.status_code == 200
    assert "Uploading and deleting are off" in library.text
    assert 'id="upload-form"' not in library.text and "library.js" not in library.text


def test_public_url_makes_every_link_absolute(index, embedder, serve_app):
    base = "https://qa.example.com/team"
    settings = index.model_copy(update={"public_url": base})
    url = serve_app(create_app(Runtime.build(settings, embedder), plugins=False))
    api = httpx.post(url + "/ask", json={"question": PAYROLL_QUESTION}, timeout=60).json()
    page = httpx.get(url + "/", params={"q": PAYROLL_QUESTION}, timeout=60)

    links = [q["links"]["view"] for q in api["quotes"] + api["passages"]]
    assert links and all(link.startswith(base + "/documents/") for link in links)
    assert hrefs(page.text, "view-link") == [q["links"]["view"] for q in api["quotes"]]
    assert f'href="{base}/static/style.css"' in page.text


def test_pages_say_why_they_are_off_when_reads_need_a_key(index, embedder, serve_app):
    settings = index.model_copy(update={"read_api_key": "read-secret"})
    url = serve_app(create_app(Runtime.build(settings, embedder), plugins=False))
    for path in ("/", f"/documents/{PAYROLL_ID}/view", "/library"):
        response = httpx.get(url + path, params={"q": PAYROLL_QUESTION}, timeout=60)
        assert response.status_code == 401
        assert "QA_READ_API_KEY" in response.text and "read-secret" not in response.text


def test_without_an_index_the_pages_say_so_and_still_offer_an_upload(tmp_path, embedder, serve_app):
    (tmp_path / "corpus").mkdir()
    settings = make_settings(tmp_path / "corpus", tmp_path / "index", api_key=KEY)
    url = serve_app(create_app(Runtime.build(settings, embedder), plugins=False))
    answer = httpx.get(url + "/", params={"q": PAYROLL_QUESTION}, timeout=60)
    view = httpx.get(f"{url}/documents/{PAYROLL_ID}/view", timeout=60)
    library = httpx.get(url + "/library", timeout=60)

    assert answer.status_code == 503 and "run `qa index` first" in html.unescape(answer.text)
    assert view.status_code == 503
    assert library.status_code == 200 and 'id="upload-form"' in library.text
    assert "0 documents indexed" in library.text


def test_the_upload_form_accepts_the_registrys_types(site):
    from qa.corpus.formats import SUPPORTED_SUFFIXES

    library = site.get("/library").text
    assert f'accept="{",".join(SUPPORTED_SUFFIXES)}"' in library
    assert ", ".join(SUPPORTED_SUFFIXES) in library  # the label lists them too


@pytest.fixture(scope="module")
def hedging_site(index, embedder):
    """The same index served with thresholds that turn every answer into a possible one."""
    settings = index.model_copy(update={"min_confidence": 0.99, "hedge_confidence": 0.01})
    app = create_app(Runtime.build(settings, embedder), plugins=False)
    with serve(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client


def test_a_hedged_answer_is_marked_possibly_over_its_quotes_on_page_and_api(hedging_site):
    api = ask_api(hedging_site, PAYROLL_QUESTION)
    page = hedging_site.get("/", params={"q": PAYROLL_QUESTION})

    assert api["outcome"] == "possibly" and api["answered"] is False
    assert PAYROLL_FACT in api["quotes"][0]["text"]
    assert page.status_code == 200
    assert 'class="answer possibly"' in page.text
    assert re.search(r'<h2 id="uncertain"[^>]*>Possibly:</h2>', page.text)
    assert "not sure" in page.text
    assert marks(page.text) == [q["text"] for q in api["quotes"]]
    assert "I could not find this in the documents." not in page.text


def test_a_confident_answer_carries_no_uncertainty_mark(site):
    api = ask_api(site, PAYROLL_QUESTION)
    page = site.get("/", params={"q": PAYROLL_QUESTION})

    assert api["outcome"] == "answered"
    assert 'id="uncertain"' not in page.text and "Possibly:" not in page.text
