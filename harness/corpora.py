"""Corpora the tests build indexes from: the shipped article and three small documents."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHIPPED_CORPUS = REPO / "corpus"
ARTICLE = "peru-multidimensional-challenge-part-2.txt"

DOCS = {
    "falcons.txt": "Falcons\n\nThe peregrine falcon is the fastest bird, diving at over 300 km/h. "
    "It nests on cliffs and tall buildings.\n",
    "bread.md": "# Sourdough bread\n\nSourdough bread is leavened with a starter of wild yeast "
    "and lactic acid bacteria. The dough ferments for twelve hours before baking.\n",
    "volcano.txt": "Mount Etna\n\nMount Etna is an active volcano on the east coast of Sicily. "
    "It last erupted in 2021 and is the tallest active volcano in Europe.\n",
}


def shipped_article_corpus(root: Path) -> Path:
    """A corpus folder below ``root`` holding a copy of the shipped article and nothing
    else: tests never read whatever else a user keeps in corpus/."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    shutil.copy2(SHIPPED_CORPUS / ARTICLE, corpus / ARTICLE)
    return corpus
