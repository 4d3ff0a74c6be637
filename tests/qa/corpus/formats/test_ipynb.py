"""Notebooks: markdown cells as prose with heading sections, code cells as code."""

from __future__ import annotations

import pytest

from qa.corpus.loader import load_bytes
from qa.errors import InvalidDocument
from tests.support.formatfiles import FACTS, ipynb_bytes


def test_markdown_cells_sections_and_code_cells():
    doc = load_bytes("birds.ipynb", ipynb_bytes())

    assert doc.title == "Bird classifier"
    assert doc.section_at(doc.text.index(FACTS[".ipynb"])).label == "Bird classifier > Data"
    assert [doc.text[a:b] for a, b in doc.code] == ["import numpy as np\nx = np.zeros(3)"]
    assert "left out" not in doc.text  # outputs are not the notebook's prose
    assert doc.section_at(doc.text.index("ninety percent")).path[-1] == "Results"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [(b"{not json", "invalid JSON"), (b'{"cells": 3}', "no list of cells")],
)
def test_broken_notebooks_are_refused(raw, reason):
    with pytest.raises(InvalidDocument, match=reason):
        load_bytes("x.ipynb", raw)
