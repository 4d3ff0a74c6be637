"""Visible text and title of an HTML page, with the standard library's parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Not "head": its end tag is optional, and hiding until </head> would hide a whole page
# that leaves it out. Its only text is <title> (taken below); its scripts hide themselves.
_HIDDEN = {"script", "style", "noscript", "template", "svg", "iframe"}
_BLOCK = set(
    """p div section article header footer li ul ol br tr table h1 h2 h3 h4 h5 h6 pre
    blockquote main nav aside dd dt figcaption hr""".split()
)


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "title":
            self._in_title = not self._hidden  # an <svg>'s <title> names an icon, not the page
        elif tag in _HIDDEN:
            self._hidden += 1
        if tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _HIDDEN and self._hidden:
            self._hidden -= 1
        if tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._hidden:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """Return (visible text, title). Blocks become paragraphs; runs of spaces fold."""
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text, " ".join("".join(parser.title).split())
