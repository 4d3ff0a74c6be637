"""Split text into sentences with exact character offsets (no model, no downloads)."""

from __future__ import annotations

import re
from collections.abc import Iterator

# Words that end in a period without ending a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr vs etc inc ltd co corp no nos fig figs gen col capt cpt
    lt sgt maj adm radm gov sen rep rev hon pres ft mt ave blvd dept univ approx est vol
    al jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e cf ca""".split()
)
# A candidate end: terminal punctuation, optional closing quotes/brackets, then space.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def split_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans ``(s, e)`` of ``text[start:end]``, stripped of surrounding space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _blocks(text, start, end):
        spans.extend(_sentences(text, block_start, block_end))
    return spans


def _blocks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Paragraphs, and lines that stand alone (headings, list items), as spans."""
    pos = start
    for match in _PARAGRAPH.finditer(text, start, end):
        yield from _lines(text, pos, match.start())
        pos = match.end()
    yield from _lines(text, pos, end)


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split on single newlines unless the line break sits inside wrapped prose."""
    pos = start
    for match in re.finditer(r"\n", text[start:end]):
        cut = start + match.start()
        before = text[pos:cut].rstrip()
        after = text[cut + 1 : end].lstrip()
        wrapped = (
            before
            and after
            and before[-1].isalnum() | (before[-1] in ",;:-")
            and (after[0].islower())
        )
        if not wrapped:
            yield pos, cut
            pos = cut + 1
    yield pos, end


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    for match in _END.finditer(text, start, end):
        if _is_boundary(text, pos, match.start(), match.end(), end):
            yield from _strip(text, pos, match.end())
            pos = match.end()
    yield from _strip(text, pos, end)


def _is_boundary(text: str, sent_start: int, punct: int, after: int, end: int) -> bool:
    nxt = text[after:end].lstrip()[:1]
    if not nxt:
        return True
    if text[punct] != ".":
        return nxt[0].isupper() or nxt in "\"'“‘([" or nxt.isdigit()
    if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘(["):
        return False
    word = _WORD_BEFORE.search(text, sent_start, punct)
    if word is None:
        return True  # "Africa ." style: punctuation set off by a space
    token = word.group(1).lower().rstrip(".")
    if token in _ABBREVIATIONS:
        return False
    if len(token) == 1 and token.isalpha():
        return False  # an initial: "J. K. Rowling"
    if "." in token and len(token) <= 6:
        return False  # "U.S.", "a.m."
    return True


def _strip(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end
