"""Shared parts for the index-upkeep tests: temp corpora and embedder wrappers.

The real model comes from the session-scoped ``embedder`` fixture in tests/conftest.py.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from qa.settings import Settings

DOCS = {
    "falcons.txt": "Falcons\n\nThe peregrine falcon is the fastest bird, diving at over 300 km/h. "
    "It nests on cliffs and tall buildings.\n",
    "bread.md": "# Sourdough bread\n\nSourdough bread is leavened with a starter of wild yeast "
    "and lactic acid bacteria. The dough ferments for twelve hours before baking.\n",
    "volcano.txt": "Mount Etna\n\nMount Etna is an active volcano on the east coast of Sicily. "
    "It last erupted in 2021 and is the tallest active volcano in Europe.\n",
}


class FakeEmbedder:
    """Deterministic hash vectors under another model name; for model-independent logic only."""

    def __init__(self, name: str = "fake-model", dimensions: int = 8) -> None:
        self.name = name
        self.dimensions = dimensions
        self.calls: list[list[str]] = []

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            vector = np.random.default_rng(seed).random(self.dimensions) + 0.01
            out[i] = vector / np.linalg.norm(vector)
        return out


def make_settings(root: Path, docs: dict[str, str] | None = None, **extra: Any) -> Settings:
    """Settings for a fresh corpus (written from ``docs``) and index below ``root``."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in (DOCS if docs is None else docs).items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    return Settings(_env_file=None, corpus_dir=corpus, index_dir=root / "index", **extra)


def cited_titles(answer) -> set[str]:
    """Titles of the documents behind every quote and passage of an Answer."""
    return {q.document.title for q in (*answer.quotes, *answer.passages)}


class CountingEmbedder:
    """Wraps a real embedder and records every text it was asked to embed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.texts: list[str] = []

    @property
    def dimensions(self) -> int:
        return self.inner.dimensions

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.texts += texts
        return self.inner.embed(texts, progress)
