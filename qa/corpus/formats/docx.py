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
    from docx.enum.style import WD_STYLE_TYPE
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        builder = TextBuilder()
        title = (document.core_properties.title or "").strip()
        # Style names by id, read once: python-docx resolves a paragraph's .style through
        # the whole styles part each time (90% of the parse on a 40 KB file).
        names = {style.style_id: style.name or "" for style in document.styles}
        default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                builder.code_block(table_rows(block))
                continue
            style_id = block._p.style  # w:pPr/w:pStyle/@w:val, None for the default style
            style = names.get(style_id, "") if style_id else (default.name if default else "")
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
