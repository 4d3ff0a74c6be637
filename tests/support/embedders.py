"""Embedders for tests: a fast fake for model-independent logic, a counting wrapper.

The real model comes from the session-scoped ``embedder`` fixture in tests/conftest.py.
"""

from __future__ import annotations

import hashlib

import numpy as np


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
