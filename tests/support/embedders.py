"""Embedders for tests: a fast fake for model-independent logic, a counting wrapper.

The real model comes from the session-scoped ``embedder`` fixture in tests/conftest.py.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from qa.model.tokens import TokenPass


class FakeEmbedder:
    """Deterministic hash vectors under another model name; for model-independent logic only.

    A text's vector is the normalized mean of its words' hash vectors, and its token pass
    (``embed_tokens``) is those word vectors, so a chunk's pooled whole equals its
    embedding, as with the real model."""

    def __init__(self, name: str = "fake-model", dimensions: int = 8) -> None:
        self.name = name
        self.dimensions = dimensions
        self.calls: list[list[str]] = []

    def _words(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        words = list(re.finditer(r"\S+", text)) or [re.match("", text)]
        vectors = np.zeros((len(words), self.dimensions), dtype=np.float32)
        for i, word in enumerate(words):
            seed = int.from_bytes(hashlib.sha256(word.group().encode()).digest()[:8], "little")
            vectors[i] = np.random.default_rng(seed).random(self.dimensions) + 0.01
        return vectors, np.array([m.span() for m in words], dtype=np.int64)

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = TokenPass(*self._words(text)).whole()
        return out

    def embed_tokens(self, texts: list[str]) -> list[TokenPass]:
        self.calls.append(list(texts))
        return [TokenPass(*self._words(text)) for text in texts]

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    query_ready = True  # nothing to load

    def warm(self, builds: bool = True) -> None:
        pass


class CountingEmbedder:
    """Wraps a real embedder and records every text it was asked to embed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.texts: list[str] = []

    @property
    def dimensions(self) -> int:
        return self.inner.dimensions

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return self.inner.embed(texts)

    def embed_tokens(self, texts: list[str]) -> list[TokenPass]:
        self.texts += texts
        return self.inner.embed_tokens(texts)

    def embed_query(self, text: str) -> np.ndarray:
        self.texts.append(text)
        return self.inner.embed_query(text)

    @property
    def query_ready(self) -> bool:
        return self.inner.query_ready

    def warm(self, builds: bool = True) -> None:
        self.inner.warm(builds)
