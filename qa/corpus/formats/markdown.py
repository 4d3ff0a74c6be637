"""Markdown: the file's text as written (front matter blanked, so offsets are the file's),
``#`` headings as sections and fenced code as code spans."""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.corpus.folder import is_url, read_front_matter
from qa.corpus.formats.parsed import Headings, Parsed, decode_text
from qa.models import Section

_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def parse(data: bytes) -> Parsed:
    meta, text = read_front_matter(decode_text(data))
    heading = _TITLE.search(text)
    title = meta.get("title") or (heading.group(1).strip() if heading else "")
    url = meta.get("url") or meta.get("source") or ""
    sections, code = structure(text, Headings())
    return Parsed(
        text=text,
        title=title,
        source_url=url if is_url(url) else "",
        sections=tuple(sections),
        code=tuple(code),
    )


def structure(
    text: str, headings: Headings, base: int = 0
) -> tuple[list[Section], list[tuple[int, int]]]:
    """Sections (ATX headings outside code) and fenced code spans of Markdown ``text``,
    as offsets plus ``base``; ``headings`` carries the path across calls (notebook cells)."""
    sections: list[Section] = []
    code: list[tuple[int, int]] = []
    fence: tuple[str, int] | None = None  # (marker, start offset of the fence line)
    for start, line in _lines(text):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0][0] and len(match.group(1)) >= len(fence[0]):
                code.append((base + fence[1], base + start + len(line)))
                fence = None
            continue
        if match:
            fence = (match.group(1), start)
            continue
        heading = _HEADING.match(line)
        if heading:
            title = " ".join(heading.group(2).split())
            path = headings.enter(len(heading.group(1)), title)
            sections.append(Section(start=base + start, path=path))
    if fence is not None:  # an unclosed fence runs to the end, as Markdown renders it
        code.append((base + fence[1], base + len(text.rstrip())))
    return sections, code


def _lines(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for line in text.split("\n"):
        yield start, line
        start += len(line) + 1
