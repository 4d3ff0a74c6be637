"""Sections over HTTP: a real model, a real index of a documentation page, real uvicorn."""

from __future__ import annotations

import httpx
import pytest

from harness.servers import serve
from qa.api.app import create_app
from qa.build.build import build_index
from qa.runtime import Runtime
from tests.support.settings import corpus_settings

PAGE = """<html><head><title>Deploy guide</title></head><body>
<nav class="sidebar"><a href="/">Home</a> Every rollback is listed in the sidebar menu today.</nav>
<div class="body" role="main">
<section id="deploy-guide"><h1>Deploy guide<a class="headerlink" href="#deploy-guide">¶</a></h1>
<p>The service runs behind a reverse proxy that listens on port 8080.</p>
<section id="rolling-back"><h2>Rolling back<a class="headerlink" href="#rolling-back">¶</a></h2>
<p>A rollback restores the previous release of the service within two minutes.</p>
<div class="highlight"><pre>kubectl rollout undo deployment/web restores the previous kubectl release.
The kubectl rollout undo command rolls the web deployment back to its last revision.</pre></div>
<p>Every rollback is written to the audit log, where it is kept for one year.</p>
</section></section></div>
<div class="footer">Copyright the platform team. Report a bug about this deploy guide page.</div>
</body></html>"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("sections-api")
    settings = corpus_settings(root, {"deploy.html": PAGE}, min_confidence=0.0)
    build_index(settings, embedder)
    with serve(create_app(Runtime.build(settings, embedder), plugins=False)) as url:
        yield url


def ask(url: str, question: str) -> dict:
    response = httpx.post(f"{url}/ask", json={"question": question}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_quote_carries_its_section_and_anchor_over_ask(server):
    answer = ask(server, "How long does it take to roll back a release?")
    top = answer["quotes"][0]

    assert "within two minutes" in top["text"]
    assert top["section"] == "Deploy guide > Rolling back"
    assert top["anchor"] == "rolling-back"
    assert top["links"]["source"] is None  # a file, not a web page: no original to open


def test_a_sentence_inside_pre_is_never_quoted(server):
    answer = ask(server, "Which kubectl rollout undo command rolls the web deployment back?")

    assert answer["quotes"], answer
    assert not any("kubectl" in q["text"] for q in answer["quotes"])
    assert any("kubectl" in p["text"] for p in answer["passages"])  # code stays searchable


def test_navigation_and_footer_text_is_not_in_the_document(server):
    listed = httpx.get(f"{server}/documents", timeout=30).json()["documents"]
    text = httpx.get(f"{server}/documents/{listed[0]['id']}", timeout=30).json()["text"]

    assert "sidebar menu" not in text and "Copyright" not in text and "¶" not in text
    assert text.startswith("Deploy guide\n\nThe service runs behind a reverse proxy")
