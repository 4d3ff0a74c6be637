"""The text builder every parser shares: offsets of sections, pages and code as it goes."""

from __future__ import annotations

from qa.corpus.formats.parsed import Parsed, TextBuilder
from qa.models import Section


def test_headings_nest_and_close_by_level():
    builder = TextBuilder()
    builder.heading(1, "A")
    builder.heading(2, "B")
    builder.paragraph("Text under B.")
    builder.heading(1, "C")
    parsed = builder.build()

    assert [s.path for s in parsed.sections] == [("A",), ("A", "B"), ("C",)]
    assert parsed.text == "A\n\nB\n\nText under B.\n\nC"


def test_an_embedded_part_keeps_its_sections_and_code_at_their_new_offsets():
    part = Parsed(
        text="\n\nIntro\n\nHeading\n\nx = 1\n",
        sections=(Section(9, ("Heading",), "h"),),
        code=((18, 23),),
    )
    builder = TextBuilder()
    builder.paragraph("Before.")
    builder.section(1, "Chapter")
    builder.embed(part, within=("Chapter",))
    parsed = builder.build()

    section = parsed.sections[-1]
    assert section.path == ("Chapter", "Heading") and section.anchor == "h"
    assert parsed.text[section.start :].startswith("Heading")
    assert [parsed.text[a:b] for a, b in parsed.code] == ["x = 1"]
    assert parsed.sections[0].path == ("Chapter",)
    assert parsed.text[parsed.sections[0].start :].startswith("Intro")


def test_pages_start_where_their_next_paragraph_does():
    builder = TextBuilder()
    builder.page(1)
    builder.paragraph("One.")
    builder.page(2)
    builder.paragraph("Two.")
    parsed = builder.build()
    assert [parsed.text[start:] for _, start in parsed.pages] == ["One.\n\nTwo.", "Two."]
