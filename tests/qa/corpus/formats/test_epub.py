"""EPUB: chapters in spine order, titled from the table of contents; oversized refused."""

from __future__ import annotations

import pytest

from qa.corpus.loader import load_bytes
from qa.errors import DocumentTooLarge
from tests.support.formatfiles import FACTS, epub_bytes


def test_chapters_follow_the_spine_with_toc_titles():
    doc = load_bytes("roads.epub", epub_bytes())

    assert doc.title == "Desert roads"
    # the manifest lists b before a; the spine reads a first
    assert doc.text.index(FACTS[".epub"]) < doc.text.index("At the oasis")
    # each chapter's own heading sits under its table-of-contents title
    assert [s.path for s in doc.sections] == [
        ("The salt road", "Chapter one"),
        ("The oasis", "Chapter two"),
    ]
    assert doc.section_at(doc.text.index("At the oasis")).label == "The oasis > Chapter two"
    assert doc.text.startswith("Chapter one")


def test_an_epub_with_thousands_of_files_is_refused_naming_the_limit():
    with pytest.raises(DocumentTooLarge, match=r"holds 3,006 files; the limit is 1,000"):
        load_bytes("many.epub", epub_bytes(extra_files=3000))
