"""What the query side may ask of one index version, whatever stores it.

The answer path, evaluation and benchmarks read an index only through this interface;
``qa.index.store.VersionReader`` (segments of SQLite + FAISS) is the one implementation
today. Rows of deleted documents are never returned by a search nor listed by a document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from qa.index.manifest import Manifest
from qa.models import Chunk, Document, Sentence


class IndexVersion(Protocol):
    """One immutable index version; rows number chunks and sentences in index order."""

    manifest: Manifest
    documents: Mapping[str, Document]  # by id
    chunks: Sequence[Chunk]  # by chunk row
    sentences: Sequence[Sentence]  # by sentence row

    @property
    def version(self) -> str: ...

    def sentence_rows(self, document_id: str) -> list[int]:
        """The rows of a document's sentences, in order."""
        ...

    def chunk_rows(self, document_id: str) -> list[int]:
        """The rows of a document's chunks, in order."""
        ...

    def neighbour_text(self, row: int) -> str:
        """The sentence before ``row`` in the same document, or ''."""
        ...

    def dense_search(self, view: str, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` nearest rows of ``view`` (``qa.index.views``), best first."""
        ...

    def cosines(self, view: str, rows: list[int], query: np.ndarray) -> np.ndarray:
        """cosine(query, row) under ``view`` for each of ``rows``."""
        ...

    def lexical_search(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        """BM25 over chunks, best first."""
        ...

    def idf(self, terms: list[str]) -> dict[str, float]:
        """Inverse document frequency of each term over chunks."""
        ...

    def terms_like(self, term: str, spread: int) -> list[str]:
        """Corpus terms with ``term``'s first letter and a length within ``spread`` of it."""
        ...
