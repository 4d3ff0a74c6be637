"""The web page cites the section a quote sits under, on the answer and the document view."""

from __future__ import annotations

import html
import re

import httpx

from qa.api.app import create_app
from qa.build.build import build_index
from qa.runtime import Runtime
from tests.qa.api.test_sections import PAGE
from tests.support.settings import corpus_settings


def test_answer_page_and_document_view_show_the_quotes_section(tmp_path, embedder, serve_app):
    settings = corpus_settings(tmp_path, {"deploy.html": PAGE}, min_confidence=0.0)
    build_index(settings, embedder)
    url = serve_app(create_app(Runtime.build(settings, embedder), plugins=False))

    page = httpx.get(url + "/", params={"q": "How long does a rollback take?"}, timeout=60)
    assert page.status_code == 200
    assert '<span class="section">Deploy guide &gt; Rolling back</span>' in page.text
    view = re.search(r'class="view-link" href="([^"]+)"', page.text)
    assert view is not None

    document = httpx.get(url + html.unescape(view.group(1)), timeout=60)
    assert document.status_code == 200
    assert '<span class="section">Deploy guide &gt; Rolling back</span>' in document.text
