"""What every parser returns, and a builder that keeps offsets while text is assembled."""

from __future__ import annotations

from dataclasses import dataclass

from qa.models import Section


@dataclass(frozen=True)
class Parsed:
    """A file's extracted text and what is known about its parts.

    ``text`` is exactly what quotes are checked against; ``pages``, ``sections`` and
    ``code`` are character offsets into it (code spans stay in the text, never quoted).
    """

    text: str
    title: str = ""
    source_url: str = ""
    pages: tuple[tuple[int, int], ...] = ()
    sections: tuple[Section, ...] = ()
    code: tuple[tuple[int, int], ...] = ()


class Headings:
    """The heading path at the current point: a level-2 heading under a level-1 one
    has both in its path; a new level-1 heading closes every deeper one."""

    def __init__(self) -> None:
        self._open: list[tuple[int, str]] = []

    def enter(self, level: int, title: str) -> tuple[str, ...]:
        while self._open and self._open[-1][0] >= level:
            self._open.pop()
        self._open.append((level, title))
        return tuple(name for _, name in self._open)


class TextBuilder:
    """Paragraphs joined by blank lines, recording where sections, pages and code start."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._headings = Headings()
        self.sections: list[Section] = []
        self.pages: list[tuple[int, int]] = []
        self.code: list[tuple[int, int]] = []

    def __len__(self) -> int:
        return self._length

    def _next_start(self) -> int:
        return self._length + 2 if self._length else 0

    def paragraph(self, text: str) -> int | None:
        """Append one paragraph (surrounding blank lines dropped); its start, or None."""
        text = text.strip("\n").rstrip()
        if not text.strip():
            return None
        if self._length:
            self._parts.append("\n\n")
            self._length += 2
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        return start

    def code_block(self, text: str) -> None:
        """A paragraph of code or table rows: in the text, recorded as never quoted."""
        start = self.paragraph(text)
        if start is not None:
            self.code.append((start, self._length))

    def heading(self, level: int, title: str, anchor: str = "") -> None:
        """A heading line, which opens a section reaching to the next heading."""
        title = " ".join(title.split())
        if not title:
            return
        path = self._headings.enter(level, title)
        start = self.paragraph(title)
        assert start is not None
        self.sections.append(_section(start, path, anchor))

    def section(self, level: int, title: str) -> None:
        """Open a section at the next paragraph without writing its title (a chapter
        whose own text starts with its heading)."""
        title = " ".join(title.split())
        if title:
            self.sections.append(_section(self._next_start(), self._headings.enter(level, title)))

    def embed(self, part: Parsed, within: tuple[str, ...] = ()) -> None:
        """Append another reader's text (an EPUB chapter's page) as one paragraph, with its
        sections under the heading path ``within`` and its code spans, moved to here."""
        lead = len(part.text) - len(part.text.lstrip("\n"))
        start = self.paragraph(part.text)
        if start is None:
            return
        end = self._length
        shift = start - lead
        for section in part.sections:
            if lead <= section.start < lead + (end - start):
                moved = _section(section.start + shift, (*within, *section.path), section.anchor)
                if self.sections and self.sections[-1].start == moved.start:
                    self.sections.pop()  # the chapter's own first heading says more
                self.sections.append(moved)
        for a, b in part.code:
            a, b = max(a + shift, start), min(b + shift, end)
            if a < b:
                self.code.append((a, b))

    def page(self, number: int) -> None:
        """The next paragraph starts page ``number``."""
        self.pages.append((number, self._next_start()))

    def build(self, title: str = "", source_url: str = "") -> Parsed:
        return Parsed(
            text="".join(self._parts),
            title=title,
            source_url=source_url,
            pages=tuple(self.pages),
            sections=tuple(self.sections),
            code=tuple(self.code),
        )


def _section(start: int, path: tuple[str, ...], anchor: str = "") -> Section:
    return Section(start=start, path=path, anchor=anchor)


def decode_text(data: bytes, kind: str = "text") -> str:
    """UTF-8 (a byte-order mark allowed) with Windows line ends made plain, else
    InvalidDocument saying where the first bad byte is."""
    from qa.errors import InvalidDocument

    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise InvalidDocument(
            f"not UTF-8 {kind} ({exc.reason} at byte {exc.start}); save it as UTF-8"
        ) from exc
