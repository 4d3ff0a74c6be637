"""reStructuredText: adorned titles as sections, literal blocks and code directives."""

from __future__ import annotations

from qa.corpus.loader import load_bytes
from tests.support.formatfiles import FACTS, rst_bytes


def test_titles_levels_literal_blocks_and_directives():
    doc = load_bytes("ops.rst", rst_bytes())

    assert doc.title == "Operations"
    assert [s.path for s in doc.sections] == [
        ("Operations",),
        ("Operations", "Backups"),
        ("Operations", "Backups", "Restores"),
    ]
    assert doc.section_at(doc.text.index(FACTS[".rst"])).label == "Operations > Backups"
    assert [doc.text[a:b] for a, b in doc.code] == ["backup --all /srv/db", "restore --latest"]
    assert "Test a restore every month." in doc.text  # an admonition's text is prose
    assert ":caption:" not in doc.text and ".. _target" not in doc.text
    assert "=====" not in doc.text
