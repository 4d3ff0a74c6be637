"""A document crosses between the Ray build's tasks as JSON with its pages, sections and
code spans intact (no Ray needed: the encoding alone)."""

from __future__ import annotations

from qa.build.distributed import _from_json, _to_json
from qa.corpus.loader import load_bytes
from tests.support.formatfiles import md_bytes, pptx_bytes


def test_sections_pages_and_code_survive_the_json_between_tasks():
    for name, data in (("deck.pptx", pptx_bytes()), ("notes.md", md_bytes())):
        document = load_bytes(name, data)
        assert document.sections and (document.pages or document.code)

        again = _from_json(_to_json(document))

        assert again == document
        assert again.section_at(len(again.text) - 1) == document.sections[-1]
