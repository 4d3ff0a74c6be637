"""Frozen dataclasses that cross module boundaries."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal

# What an answer is: confident quotes, quotes shown as uncertain, or nothing close.
Outcome = Literal["answered", "possibly", "not_found"]
ANSWERED: Outcome = "answered"
POSSIBLY: Outcome = "possibly"
NOT_FOUND: Outcome = "not_found"


@dataclass(frozen=True)
class Section:
    """A heading's reach in a document's text: from ``start`` to the next section's start.

    ``path`` is the heading path ("pathlib", "Basic use", "Creating paths"); ``anchor`` is
    the nearest heading's id in an HTML page ("" when it has none).
    """

    start: int
    path: tuple[str, ...]
    anchor: str = ""

    @property
    def label(self) -> str:
        return " > ".join(self.path)


@dataclass(frozen=True)
class Document:
    """One source document with its extracted text.

    ``pages`` holds (page number, start offset) pairs for paged formats such as PDF.
    ``sections`` holds the headings in text order; ``code`` holds (start, end) spans of
    code and tables, which stay in the text but are never quoted as answers.
    """

    id: str
    title: str
    source: str
    path: str
    text: str
    content_hash: str
    pages: tuple[tuple[int, int], ...] = ()
    sections: tuple[Section, ...] = ()
    code: tuple[tuple[int, int], ...] = ()

    def section_at(self, offset: int) -> Section | None:
        """The section holding ``offset``, or None before the first heading."""
        found = None
        for section in self.sections:
            if section.start > offset:
                break
            found = section
        return found

    def in_code(self, start: int, end: int) -> bool:
        """True when ``text[start:end]`` overlaps a code span (or a table); ``code`` is in
        text order and its spans do not overlap."""
        i = bisect.bisect_left(self.code, (end,))  # the spans starting before ``end``
        return i > 0 and self.code[i - 1][1] > start

    def page_at(self, offset: int) -> int | None:
        """The page number holding ``offset``, or None for unpaged documents."""
        page = None
        for number, start in self.pages:
            if start > offset:
                break
            page = number
        return page


@dataclass(frozen=True)
class DocumentRef:
    """What a citation says about its document."""

    id: str
    title: str
    source: str


@dataclass(frozen=True)
class DocumentInfo:
    """A document as listed by the index."""

    ref: DocumentRef
    chunks: int
    content_hash: str


@dataclass(frozen=True)
class Chunk:
    """A span of a document's text, the unit of passage retrieval."""

    id: str
    document_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Sentence:
    """A sentence span inside a document's text, the unit of quoting."""

    document_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Quote:
    """Verbatim text with its citation: ``document.text[start:end] == text``.

    ``section`` is the heading path it sits under ("pathlib > Basic use"), ``anchor`` the
    id of that heading in an HTML page; both "" when the document has none.
    """

    text: str
    score: float
    start: int
    end: int
    document: DocumentRef
    page: int | None = None
    section: str = ""
    anchor: str = ""


@dataclass(frozen=True)
class Answer:
    """The reply to a question: quotes best first, plus the passages behind them.

    ``outcome`` is "answered" (confident quotes), "possibly" (the best quotes, shown as
    uncertain) or "not_found" (no quotes, only the nearest passages); ``answered`` is
    ``outcome == "answered"``. An answer built without an outcome takes it from
    ``answered``.
    """

    question: str
    answered: bool
    confidence: float
    quotes: tuple[Quote, ...] = ()
    passages: tuple[Quote, ...] = ()
    index_version: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)
    outcome: Outcome | None = None

    def __post_init__(self) -> None:
        if self.outcome is None:
            object.__setattr__(self, "outcome", ANSWERED if self.answered else NOT_FOUND)
        if self.outcome not in (ANSWERED, POSSIBLY, NOT_FOUND):
            raise ValueError(f"unknown answer outcome {self.outcome!r}")
        if self.answered != (self.outcome == ANSWERED):
            raise ValueError(f"answered={self.answered} contradicts outcome {self.outcome!r}")
