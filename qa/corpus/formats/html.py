"""HTML: the page's text and title from qa.corpus.htmltext, and the address a saved page
came from (``<meta name="qa-source" content="https://...">``, written by `qa crawl`)."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

from qa.corpus.folder import is_url
from qa.corpus.formats.parsed import Parsed, decode_text
from qa.corpus.htmltext import html_to_text

SOURCE_META = "qa-source"


def parse(data: bytes) -> Parsed:
    raw = decode_text(data)
    return dataclasses.replace(read_page(raw), source_url=source_meta(raw))


def read_page(raw: str) -> Parsed:
    """An HTML page's main content, title, sections and code spans, as every format holding HTML (EPUB chapters, the
    HTML part of an e-mail) reads it."""
    page = html_to_text(raw)  # line breaks already folded: offsets hold as they are
    return Parsed(text=page.text, title=page.title, sections=page.sections, code=page.code)


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.source = ""

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "meta" and not self.source:
            values = dict(attrs)
            if (values.get("name") or "").lower() == SOURCE_META:
                self.source = (values.get("content") or "").strip()
        elif tag == "body":
            raise _Done


class _Done(Exception):
    pass


def source_meta(raw: str) -> str:
    """The page's ``qa-source`` address if it has one in its head, else ''."""
    parser = _Meta()
    try:
        parser.feed(raw)
        parser.close()
    except _Done:
        pass
    return parser.source if is_url(parser.source) else ""
