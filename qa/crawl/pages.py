"""What a crawl reads in a page and a sitemap, and the source address it writes into a
saved page (``<meta name="qa-source">``, read back by qa.corpus.formats.html)."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from qa.corpus.formats.html import SOURCE_META

_HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)
_OLD_SOURCE = re.compile(
    r"<meta\s+name=[\"']?" + re.escape(SOURCE_META) + r"[\"']?[^>]*>\s*", re.IGNORECASE
)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.base = ""
        self.nofollow = False

    def handle_starttag(self, tag: str, attrs) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in ("a", "area") and "nofollow" not in values.get("rel", "").lower():
            self.links.append(values.get("href", ""))
        elif tag == "base" and not self.base:
            self.base = values.get("href", "")
        elif tag == "meta" and values.get("name", "").lower() == "robots":
            self.nofollow = "nofollow" in values.get("content", "").lower()


def links(page: str) -> tuple[list[str], str, bool]:
    """(hrefs of links, the page's <base href> or '', whether it asks not to be followed)."""
    parser = _Links()
    try:
        parser.feed(page)
        parser.close()
    except Exception:  # a page the parser cannot finish still gave the links before it
        pass
    return parser.links, parser.base, parser.nofollow


def with_source(page: str, url: str) -> str:
    """The page with ``<meta name="qa-source" content=url>`` first in its head."""
    meta = f'<meta name="{SOURCE_META}" content="{html.escape(url, quote=True)}">'
    page = _OLD_SOURCE.sub("", page)
    head = _HEAD.search(page)
    if head:
        return page[: head.end()] + meta + page[head.end() :]
    return f"<head>{meta}</head>\n" + page


def sitemap_locations(data: bytes) -> tuple[list[str], bool]:
    """(the <loc> addresses, whether this is a sitemap index of further sitemaps)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return [], False
    found = [
        (element.text or "").strip()
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] == "loc" and (element.text or "").strip()
    ]
    return found, root.tag.rsplit("}", 1)[-1] == "sitemapindex"
