"""Plain text: kept as written; a short first line followed by a blank line is the title."""

from __future__ import annotations

from qa.corpus.formats.parsed import Parsed, decode_text

MAX_TITLE_LINE = 200


def parse(data: bytes) -> Parsed:
    text = decode_text(data)
    return Parsed(text=text, title=text_title(text))


def text_title(text: str) -> str:
    """A text file's first line is its title when short and followed by a blank line."""
    lines = text.lstrip("\ufeff").split("\n", 2)
    if len(lines) >= 2 and lines[1].strip() == "" and 0 < len(lines[0].strip()) <= MAX_TITLE_LINE:
        return lines[0].strip()
    return ""
