"""Word files written with python-docx: paragraphs, Heading styles, tables as code."""

from __future__ import annotations

import io
import zipfile

import pytest

from qa.corpus.loader import load_bytes
from qa.errors import InvalidDocument
from tests.support.formatfiles import FACTS, docx_bytes


def test_paragraphs_headings_and_tables():
    doc = load_bytes("log.docx", docx_bytes())

    assert doc.title == "Keeper's log"
    assert FACTS[".docx"] in doc.text
    paths = [s.path for s in doc.sections]
    assert paths == [
        ("Keeper's log",),
        ("Keeper's log", "Duties"),
        ("Keeper's log", "Duties", "Night watch"),
        ("Keeper's log", "Supplies"),
    ]
    assert doc.section_at(doc.text.index(FACTS[".docx"])).label == "Keeper's log > Duties"
    for section in doc.sections:
        assert doc.text[section.start :].startswith(section.path[-1])
    assert [doc.text[a:b] for a, b in doc.code] == ["Hour | Task\n22:00 | Trim the wick"]


def test_a_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(InvalidDocument, match=r"not a readable Word \(\.docx\) file"):
        load_bytes("fake.docx", buffer.getvalue())
