"""Markdown: the file's own text, with # headings as sections and fences as code."""

from __future__ import annotations

from qa.corpus.loader import load_bytes
from tests.support.formatfiles import FACTS, md_bytes


def test_headings_are_sections_and_fences_are_code():
    data = md_bytes()
    doc = load_bytes("orchard.md", data)

    assert doc.text == data.decode()  # offsets are the file's
    assert [s.path for s in doc.sections] == [
        ("Orchard",),
        ("Orchard", "Trees"),
        ("Orchard", "Trees", "Pruning"),
    ]
    assert doc.section_at(doc.text.index(FACTS[".md"])).label == "Orchard > Trees"
    assert [doc.text[a:b] for a, b in doc.code] == ["```python\nprint('pear')\n```"]


def test_a_hash_inside_a_fence_is_not_a_heading():
    doc = load_bytes("c.md", b"# Top\n\n```sh\n# a comment\n```\n\nText.\n")
    assert [s.path for s in doc.sections] == [("Top",)]


def test_front_matter_keeps_offsets_and_windows_line_ends():
    doc = load_bytes("f.md", b"---\r\ntitle: T\r\n---\r\n## Part\r\n\r\nBody.\r\n")
    assert doc.title == "T"
    start = doc.sections[0].start
    assert doc.text[start:].startswith("## Part") and doc.sections[0].path == ("Part",)
