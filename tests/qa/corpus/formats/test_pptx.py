"""PowerPoint decks written with python-pptx: slide text, notes, slide numbers as pages."""

from __future__ import annotations

from qa.corpus.loader import load_bytes
from tests.support.formatfiles import FACTS, pptx_bytes


def test_slides_are_pages_and_sections_with_their_notes():
    doc = load_bytes("plan.pptx", pptx_bytes())

    assert doc.title == "Sales plan"
    fact = doc.text.index(FACTS[".pptx"])
    assert doc.page_at(fact) == 2
    assert doc.section_at(fact).path == ("Lisbon",)
    assert doc.page_at(doc.text.index("Mention the new office manager.")) == 2  # notes
    assert doc.page_at(doc.text.index("Welcome everyone.")) == 1
    assert [number for number, _ in doc.pages] == [1, 2, 3]
    assert doc.page_at(doc.text.index("Porto office")) == 3
    assert [doc.text[a:b] for a, b in doc.code] == ["Quarter | Target\nQ1 | 120"]
