"""File types the corpus reads: one registry from suffix to parser.

Each format is a module in this package with ``parse(data: bytes) -> Parsed``; the
registry names the module, so a parser's library is imported only when a file of its
type is read. Adding a format is one entry here, its module and its test. The corpus
folder, the upload form, the API's upload schema and the README's list read this table.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from qa.corpus.formats.parsed import Parsed
from qa.errors import InvalidDocument


@dataclass(frozen=True)
class Format:
    """One file type: its suffixes (first is canonical), media type and parser module."""

    suffixes: tuple[str, ...]
    media_type: str
    module: str
    label: str

    def parse(self, data: bytes) -> Parsed:
        parser = importlib.import_module(f"qa.corpus.formats.{self.module}")
        return parser.parse(data)


FORMATS: tuple[Format, ...] = (
    Format((".txt",), "text/plain", "plaintext", "plain text; a short first line is the title"),
    Format((".md", ".markdown"), "text/markdown", "markdown", "Markdown; # headings are sections"),
    Format((".html", ".htm"), "text/html", "html", "HTML pages"),
    Format((".pdf",), "application/pdf", "pdf", "PDF; page numbers kept"),
    Format(
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        "Word; Heading styles are sections, tables kept but never quoted",
    ),
    Format(
        (".pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        "PowerPoint; slide text and notes, slide numbers kept as pages",
    ),
    Format(
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        "Excel; each row a sentence with its header, sheets are sections",
    ),
    Format((".csv",), "text/csv", "csv", "CSV; each row a sentence with its header"),
    Format(
        (".odt",),
        "application/vnd.oasis.opendocument.text",
        "odt",
        "OpenDocument text; headings are sections",
    ),
    Format((".epub",), "application/epub+zip", "epub", "EPUB; chapters in reading order"),
    Format((".eml",), "message/rfc822", "eml", "e-mail; the subject is the title"),
    Format(
        (".ipynb",),
        "application/x-ipynb+json",
        "ipynb",
        "Jupyter notebooks; code cells kept but never quoted",
    ),
    Format(
        (".rst",),
        "text/x-rst",
        "rst",
        "reStructuredText; headings are sections, literal blocks never quoted",
    ),
)

_BY_SUFFIX = {suffix: fmt for fmt in FORMATS for suffix in fmt.suffixes}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_BY_SUFFIX)
MEDIA_TYPES: tuple[str, ...] = tuple(dict.fromkeys(fmt.media_type for fmt in FORMATS))


def format_for(suffix: str) -> Format:
    """The format of a (lower-case) suffix, or InvalidDocument listing the supported ones."""
    try:
        return _BY_SUFFIX[suffix]
    except KeyError:
        raise InvalidDocument(
            f"unsupported file type {suffix or '(none)'!r}; use one of "
            f"{', '.join(SUPPORTED_SUFFIXES)}"
        ) from None
