"""Word (.docx) with python-docx: paragraphs in order, Heading styles as sections, tables
as rows of cells kept in the text but recorded as code (never quoted)."""

from __future__ import annotations

import io
import re

from qa.corpus.formats.archive import open_checked
from qa.corpus.formats.parsed import Parsed, TextBuilder
from qa.errors import InvalidDocument

_HEADING = re.compile(r"heading\s*([1-9])$", re.IGNORECASE)


def parse(data: bytes) -> Parsed:
    open_checked(data, "Word (.docx)")
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        builder = TextBuilder()
        title = (document.core_properties.title or "").strip()
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                builder.code_block(table_rows(block))
                continue
            style = (block.style.name if block.style is not None else "") or ""
            heading = _HEADING.match(style.strip())
            if heading:
                builder.heading(int(heading.group(1)), block.text)
            elif style.strip().lower() == "title":
                title = title or " ".join(block.text.split())
                builder.heading(0, block.text)
            else:
                builder.paragraph(block.text)
    except Exception as exc:  # a zip that is not a Word document, or a damaged one
        raise InvalidDocument(
            f"not a readable Word (.docx) file: {type(exc).__name__}: {exc}"
        ) from exc
    return builder.build(title=title)


def table_rows(table) -> str:
    """One line per row, cells joined by ' | ' (a merged cell once)."""
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if not cells or cells[-1] != text:
                cells.append(text)
        if any(cells):
            lines.append(" | ".join(cells))
    return "\n".join(lines)
