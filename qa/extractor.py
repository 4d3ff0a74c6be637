"""Rank candidate sentences against the question and pick verbatim quotes."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from qa.lexical import analyze
from qa.retriever import ChunkHit
from qa.store import VersionReader

# Weights of the sentence score; chosen by measurement on WikiQA dev (see bench/README.md).
WEIGHTS = {"dense": 1.0, "context": 0.5, "lexical": 0.35, "lexical_context": 0.15, "document": 0.3}
UNQUOTABLE_PENALTY = 0.5
# Logistic calibration of the best score into P(top quote is right).
CALIBRATION = (8.0, -7.0)
QUOTE_MARGIN = 0.08
MAX_DOCS = 5
DENSE_SENTENCES = 20
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class ScoredSentence:
    row: int
    score: float
    features: dict[str, float]


def is_quotable(text: str) -> bool:
    """Real sentences, not headings, bylines or navigation crumbs."""
    words = _WORD.findall(text)
    if len(words) < 4:
        return False
    return text.rstrip("\"'”’)]").endswith((".", "!", "?", "…", ":")) or len(words) >= 12


def candidate_rows(
    reader: VersionReader, hits: list[ChunkHit], query_vector: np.ndarray
) -> tuple[set[int], dict[str, float]]:
    """Sentences of the best documents plus the nearest sentences anywhere.

    Returns the rows and each candidate document's strength (1.0 for the best).
    """
    doc_score: dict[str, float] = {}
    for hit in hits:
        doc = reader.chunks[hit.row].document_id
        doc_score[doc] = max(doc_score.get(doc, 0.0), hit.score)
    top = sorted(doc_score.items(), key=lambda kv: -kv[1])[:MAX_DOCS]
    best = top[0][1] if top else 1.0
    strength = {doc: score / best for doc, score in top}
    rows = {r for doc, _ in top for r in reader.sentence_rows(doc)}
    rows.update(r for r, _ in reader.dense_search("sentences", query_vector, DENSE_SENTENCES))
    return rows, strength


def rank(
    reader: VersionReader,
    question_vector: np.ndarray,
    question_terms: list[str],
    rows: set[int],
    strength: dict[str, float],
) -> list[ScoredSentence]:
    """Score each candidate sentence with its own words and its context."""
    if not rows:
        return []
    idf = reader.idf(question_terms)
    total = sum(idf.values()) or 1.0
    ordered = sorted(rows)
    dense = reader.vectors["sentences"][ordered] @ question_vector
    context = reader.vectors["contexts"][ordered] @ question_vector
    out = []
    for i, row in enumerate(ordered):
        sentence = reader.sentences[row]
        doc = reader.documents[sentence.document_id]
        own = set(analyze(sentence.text))
        around = own | set(analyze(doc.title + " " + reader.neighbour_text(row)))
        features = {
            "dense": float(dense[i]),
            "context": float(context[i]),
            "lexical": sum(w for t, w in idf.items() if t in own) / total,
            "lexical_context": sum(w for t, w in idf.items() if t in around) / total,
            "document": strength.get(sentence.document_id, 0.0),
        }
        score = sum(WEIGHTS[k] * v for k, v in features.items())
        if not is_quotable(sentence.text):
            score -= UNQUOTABLE_PENALTY
        out.append(ScoredSentence(row, score, features))
    return sorted(out, key=lambda s: (-s.score, s.row))


def confidence(score: float) -> float:
    a, b = CALIBRATION
    return 1.0 / (1.0 + math.exp(-(a * score + b)))


def pick(reader: VersionReader, ranked: list[ScoredSentence], limit: int) -> list[ScoredSentence]:
    """Up to ``limit`` quotes from different places, close in score to the best."""
    chosen: list[ScoredSentence] = []
    seen: set[str] = set()
    for cand in ranked:
        if len(chosen) >= limit or (chosen and cand.score < chosen[0].score - QUOTE_MARGIN):
            break
        key = " ".join(_WORD.findall(reader.sentences[cand.row].text.lower()))
        if key in seen or not is_quotable(reader.sentences[cand.row].text) and chosen:
            continue
        seen.add(key)
        chosen.append(cand)
    return chosen
