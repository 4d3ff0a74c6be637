"""HTML: the qa-source address a crawled page carries becomes its source."""

from __future__ import annotations

from qa.corpus.loader import load_bytes


def test_qa_source_meta_is_the_source():
    page = (
        b'<html><head><meta name="qa-source" content="https://docs.example.com/a/b.html">'
        b"<title>B</title></head><body><p>Body text.</p></body></html>"
    )
    doc = load_bytes("site/b.html", page)
    assert doc.source == "https://docs.example.com/a/b.html" and doc.path == "site/b.html"
    assert "qa-source" not in doc.text


def test_a_meta_in_the_body_or_not_an_address_is_ignored():
    late = b"<html><body><meta name='qa-source' content='https://x.example/'><p>T.</p></body>"
    bogus = b"<head><meta name='qa-source' content='javascript:alert(1)'></head><p>T.</p>"
    assert load_bytes("a.html", late).source == "a.html"
    assert load_bytes("b.html", bogus).source == "b.html"
