"""Hybrid passage retrieval: dense (FAISS) and lexical (BM25) fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass

from qa.answer.question import Question
from qa.index.version import IndexVersion
from qa.index.views import CHUNKS

RRF_K = 60
CANDIDATES = 40


@dataclass(frozen=True)
class ChunkHit:
    row: int
    score: float  # fused RRF score, higher is better
    dense: float  # cosine of question and chunk, 0 when not in the dense list
    lexical: float  # BM25, 0 when not in the lexical list


def fuse(dense: list[tuple[int, float]], lexical: list[tuple[int, float]]) -> list[ChunkHit]:
    """Reciprocal-rank fusion: neither list alone decides."""
    scores: dict[int, float] = {}
    for ranked in (dense, lexical):
        for rank, (row, _) in enumerate(ranked):
            scores[row] = scores.get(row, 0.0) + 1.0 / (RRF_K + rank + 1)
    dense_of, lexical_of = dict(dense), dict(lexical)
    hits = [
        ChunkHit(row, score, dense_of.get(row, 0.0), lexical_of.get(row, 0.0))
        for row, score in scores.items()
    ]
    return sorted(hits, key=lambda h: (-h.score, h.row))


def retrieve(reader: IndexVersion, question: Question, k: int = CANDIDATES) -> list[ChunkHit]:
    """Candidate chunks for a question, best first."""
    return fuse(
        reader.dense_search(CHUNKS, question.vector, k),
        reader.lexical_search(list(question.terms), k),
    )
