"""OpenDocument text (.odt) from its content.xml with the standard library: headings
(text:h and its outline level) as sections, paragraphs and list items in order, tables
as rows kept in the text but recorded as code (never quoted)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from qa.corpus.formats.archive import open_checked, read_member
from qa.corpus.formats.parsed import Parsed, TextBuilder
from qa.errors import InvalidDocument

KIND = "OpenDocument text (.odt)"
_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_TEXT, _TABLE = f"{{{_NS['text']}}}", f"{{{_NS['table']}}}"


def parse(data: bytes) -> Parsed:
    archive = open_checked(data, KIND)
    try:
        root = ET.fromstring(read_member(archive, "content.xml", KIND))
        title = _meta_title(archive)
    except ET.ParseError as exc:
        raise InvalidDocument(f"not a readable {KIND} file: {exc}") from exc
    body = root.find("office:body/office:text", _NS)
    if body is None:
        raise InvalidDocument(f"not a readable {KIND} file: content.xml has no text body")
    builder = TextBuilder()
    _blocks(body, builder)
    return builder.build(title=title)


def _meta_title(archive) -> str:
    if "meta.xml" not in archive.namelist():
        return ""
    found = ET.fromstring(archive.read("meta.xml")).find(".//dc:title", _NS)
    return " ".join((found.text or "").split()) if found is not None else ""


def _blocks(element: ET.Element, builder: TextBuilder) -> None:
    for child in element:
        tag = child.tag
        if tag == _TEXT + "h":
            level = int(child.get(_TEXT + "outline-level", "1") or 1)
            builder.heading(level, inline_text(child))
        elif tag == _TEXT + "p":
            builder.paragraph(inline_text(child))
        elif tag == _TABLE + "table":
            builder.code_block(_table(child))
        elif tag in (_TEXT + "list", _TEXT + "list-item", _TEXT + "section", _TEXT + "list-header"):
            _blocks(child, builder)


def inline_text(element: ET.Element) -> str:
    """A paragraph's text: spans, links and fields inline; text:s, tab and line-break."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _TEXT + "s":
            parts.append(" " * int(child.get(_TEXT + "c", "1") or 1))
        elif child.tag == _TEXT + "tab":
            parts.append("\t")
        elif child.tag == _TEXT + "line-break":
            parts.append("\n")
        elif child.tag != _TEXT + "note":  # footnote bodies would break the sentence
            parts.append(inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _table(table: ET.Element) -> str:
    lines = []
    for row in table.iter(_TABLE + "table-row"):
        cells = [
            " ".join(" ".join(inline_text(p) for p in cell.iter(_TEXT + "p")).split())
            for cell in row.findall(_TABLE + "table-cell")
        ]
        if any(cells):
            lines.append(" | ".join(cells))
    return "\n".join(lines)
