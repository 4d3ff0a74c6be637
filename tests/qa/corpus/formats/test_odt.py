"""OpenDocument text: headings by outline level, spans and spaces, lists, tables as code."""

from __future__ import annotations

import pytest

from qa.corpus.loader import load_bytes
from qa.errors import InvalidDocument
from tests.support.formatfiles import FACTS, odt_bytes


def test_headings_paragraphs_lists_and_tables():
    doc = load_bytes("survey.odt", odt_bytes())

    assert doc.title == "Glacier survey"
    assert FACTS[".odt"] in doc.text
    assert "Stakes were  measured each month." in doc.text  # <text:s/> is a space
    assert "Photographs from the ridge." in doc.text
    assert [s.path for s in doc.sections] == [("Field notes",), ("Field notes", "Methods")]
    assert [doc.text[a:b] for a, b in doc.code] == ["Year | Metres"]


def test_damaged_content_is_refused():
    with pytest.raises(InvalidDocument, match="not a readable OpenDocument"):
        load_bytes("bad.odt", odt_bytes(paragraph="<unclosed>"))
