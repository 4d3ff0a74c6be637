"""PowerPoint (.pptx) with python-pptx: each slide's text and speaker notes; slide numbers
are pages (like a PDF's) and slide titles are sections; tables are code (never quoted)."""

from __future__ import annotations

import dataclasses
import io

from qa.corpus.formats.archive import open_checked
from qa.corpus.formats.parsed import Parsed, TextBuilder
from qa.errors import InvalidDocument


def parse(data: bytes) -> Parsed:
    open_checked(data, "PowerPoint (.pptx)")
    from pptx import Presentation

    try:
        deck = Presentation(io.BytesIO(data))
        builder = TextBuilder()
        for number, slide in enumerate(deck.slides, start=1):
            builder.page(number)
            heading = slide.shapes.title
            if heading is not None and heading.has_text_frame and heading.text_frame.text.strip():
                builder.heading(1, heading.text_frame.text)
            else:
                builder.section(1, f"Slide {number}")
            for shape in _shapes(slide.shapes):
                if heading is not None and shape.shape_id == heading.shape_id:
                    continue
                if shape.has_text_frame:
                    for paragraph in shape.text_frame.paragraphs:
                        builder.paragraph(_paragraph_text(paragraph))
                elif getattr(shape, "has_table", False) and shape.has_table:
                    builder.code_block(_table(shape.table))
            if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
                for paragraph in slide.notes_slide.notes_text_frame.paragraphs:
                    builder.paragraph(_paragraph_text(paragraph))
        title = (deck.core_properties.title or "").strip()
    except Exception as exc:
        raise InvalidDocument(
            f"not a readable PowerPoint (.pptx) file: {type(exc).__name__}: {exc}"
        ) from exc
    parsed = builder.build()
    if not title and parsed.sections and parsed.sections[0].path[0] != "Slide 1":
        title = parsed.sections[0].path[0]
    return dataclasses.replace(parsed, title=title)


def _shapes(shapes):
    """Shapes in reading order, groups opened."""
    for shape in shapes:
        if getattr(shape, "shapes", None) is not None:
            yield from _shapes(shape.shapes)
        else:
            yield shape


def _paragraph_text(paragraph) -> str:
    return " ".join(paragraph.text.split())


def _table(table) -> str:
    return "\n".join(
        " | ".join(" ".join(cell.text.split()) for cell in row.cells) for row in table.rows
    )
