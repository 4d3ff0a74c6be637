"""Which character spans a deep link may highlight, and the text around a quote.

A link highlights what the index could have quoted: a run of whole sentences (a quote)
or a whole passage (a nearest passage when nothing answered). Anything else is refused
with the reason, so a hand-edited link never highlights half a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.errors import InvalidSpan, SpanOutsideDocument
from qa.index.version import IndexVersion
from qa.models import Document

CONTEXT_CHARS = 400  # at most this much of the paragraph on either side of a quote
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Excerpt:
    """Text split around a highlighted part; ``before``/``after`` may start/end with '…'."""

    before: str
    marked: str
    after: str


def parse_span(start: str | None, end: str | None) -> Span | None:
    """The ``start``/``end`` query parameters as a span; None when both are absent."""
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise InvalidSpan("give both start and end (character offsets), or neither")
    values = []
    for name, raw in (("start", start), ("end", end)):
        if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
            raise InvalidSpan(f"{name} must be a whole number of characters, got {raw[:40]!r}")
        values.append(int(raw))
    if values[0] >= values[1]:
        raise InvalidSpan(f"start ({values[0]}) must be smaller than end ({values[1]})")
    return Span(*values)


def check_span(reader: IndexVersion, document: Document, span: Span) -> None:
    """Raise unless ``span`` lies in ``document`` on sentence (or passage) bounds."""
    if span.end > len(document.text):
        raise SpanOutsideDocument(
            f"characters {span.start}-{span.end} are outside this document, "
            f"which has {len(document.text)} characters"
        )
    rows = reader.sentence_rows(document.id)
    starts = {reader.sentences[r].start for r in rows}
    ends = {reader.sentences[r].end for r in rows}
    if span.start in starts and span.end in ends:
        return
    if any(
        (reader.chunks[r].start, reader.chunks[r].end) == (span.start, span.end)
        for r in reader.chunk_rows(document.id)
    ):
        return
    raise InvalidSpan(
        f"characters {span.start}-{span.end} do not start and end on sentence bounds "
        "of this document; links from answers always do"
    )


def split(text: str, span: Span) -> Excerpt:
    """The whole text around the span (the document view)."""
    return Excerpt(text[: span.start], text[span.start : span.end], text[span.end :])


def paragraph(text: str, span: Span, context: int = CONTEXT_CHARS) -> Excerpt:
    """The paragraph(s) holding the span, cut to ``context`` characters on either side."""
    before_from = max(0, span.start - context)
    breaks = list(_PARAGRAPH_BREAK.finditer(text, before_from, span.start))
    if breaks:
        lead, left = "", breaks[-1].end()
    else:
        left = before_from if before_from == 0 else _word_start(text, before_from, span.start)
        lead = "…" if left > 0 else ""
    after_to = min(len(text), span.end + context)
    found = _PARAGRAPH_BREAK.search(text, span.end, after_to)
    if found:
        tail, right = "", found.start()
    else:
        right = after_to if after_to == len(text) else _word_end(text, span.end, after_to)
        tail = "…" if right < len(text) else ""
    before = text[left : span.start]
    after = text[span.end : right]
    return Excerpt(
        lead + before.lstrip() if lead else before,
        text[span.start : span.end],
        after.rstrip() + tail if tail else after,
    )


def _word_start(text: str, low: int, high: int) -> int:
    """The first word start at or after ``low`` (so an excerpt never opens mid-word)."""
    space = text.find(" ", low, high)
    return space + 1 if space != -1 else high


def _word_end(text: str, low: int, high: int) -> int:
    """The last word end at or before ``high``."""
    space = text.rfind(" ", low, high)
    return space if space != -1 else low
