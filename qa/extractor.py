"""Rank candidate sentences against the question and pick verbatim quotes."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from qa.lexical import analyze
from qa.retriever import ChunkHit
from qa.store import VersionReader

# Linear weights of the sentence features, fitted listwise (softmax over each question's
# candidates) on WikiQA dev, then "lexical" set to 2.0:
#   .venv/bin/python bench/fit_weights.py --set lexical=2.0
# The fit alone gives "lexical" a small negative weight, which quotes the wrong sentence
# for names and numbers in ordinary prose (23 of 32 article questions); at 2.0 the article
# gets 29 of 32, WikiQA acc@1 is unchanged (0.638) and 5-fold cross-validation gives 0.630.
WEIGHTS = {
    "dense": 0.885,  # cosine(question, sentence)
    "titled": 7.809,  # cosine(question, "title. sentence")
    "context": 5.046,  # cosine(question, "title. previous sentence + sentence")
    "withnext": 4.083,  # cosine(question, "sentence + next sentence")
    "lexical": 2.0,  # idf-weighted share of question words in the sentence (see below)
    "lexical_context": 0.130,  # ... in the sentence, its title and the sentence before
    "document": 2.099,  # the document's retrieval strength, 1.0 for the best
    "length": 0.501,  # log(1 + words)
    "residual": 1.097,  # share of question words *not in the title* found in the sentence
    "residual_context": -0.117,  # ... found in the sentence or the one before
}
# Logistic calibration of the best score into P(top quote is right), fitted by the same
# script on the same data, where unanswerable questions count as wrong.
CALIBRATION = (0.3960, -7.9558)
QUOTE_MARGIN = 0.5
# A neighbouring sentence scoring within this much of a picked sentence joins its quote:
# the answer then likely spans both ("... an operation in La Pampa." + "It destroyed 41
# sites."). On WikiQA dev 12% of top quotes become pairs; see bench/README.md.
PAIR_MARGIN = 0.5
# Two quotes sharing this share of their words (Jaccard) say the same thing: a passage
# repeated in two reports, or a sentence edited by a word; only the better one is shown.
NEAR_DUPLICATE = 0.8
MAX_DOCS = 5
DENSE_SENTENCES = 20
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class ScoredSentence:
    row: int
    score: float
    features: dict[str, float]


@dataclass(frozen=True)
class Pick:
    """One quote: one sentence, or two adjacent ones of the same document."""

    rows: tuple[int, ...]
    score: float


def is_quotable(text: str) -> bool:
    """Real sentences, not headings, bylines or navigation crumbs."""
    words = _WORD.findall(text)
    if len(words) < 4:
        return False
    return text.rstrip("\"'”’)]").endswith((".", "!", "?", "…", ":")) or len(words) >= 12


def candidate_rows(
    reader: VersionReader, hits: list[ChunkHit], query_vector: np.ndarray
) -> tuple[set[int], dict[str, float]]:
    """Quotable sentences of the best documents plus the nearest sentences anywhere.

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
    return {r for r in rows if is_quotable(reader.sentences[r].text)}, strength


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
    cosines = {
        view: reader.vectors[view][ordered] @ question_vector
        for view in ("sentences", "titled", "contexts", "withnext")
    }
    # The question words each document's title does not already cover, once per document.
    residuals: dict[str, tuple[dict[str, float], float]] = {}
    for doc_id in {reader.sentences[row].document_id for row in ordered}:
        title_terms = set(analyze(reader.documents[doc_id].title))
        residual = {t: w for t, w in idf.items() if t not in title_terms}
        residuals[doc_id] = residual, sum(residual.values()) or 1.0
    out = []
    for i, row in enumerate(ordered):
        sentence = reader.sentences[row]
        doc = reader.documents[sentence.document_id]
        own = set(analyze(sentence.text))
        around = own | set(analyze(doc.title + " " + reader.neighbour_text(row)))
        residual, residual_total = residuals[sentence.document_id]
        features = {
            "dense": float(cosines["sentences"][i]),
            "titled": float(cosines["titled"][i]),
            "context": float(cosines["contexts"][i]),
            "withnext": float(cosines["withnext"][i]),
            "lexical": sum(w for t, w in idf.items() if t in own) / total,
            "lexical_context": sum(w for t, w in idf.items() if t in around) / total,
            "document": strength.get(sentence.document_id, 0.0),
            "length": math.log1p(len(sentence.text.split())),
            "residual": sum(w for t, w in residual.items() if t in own) / residual_total,
            "residual_context": sum(w for t, w in residual.items() if t in around) / residual_total,
        }
        score = sum(WEIGHTS[k] * v for k, v in features.items())
        out.append(ScoredSentence(row, score, features))
    return sorted(out, key=lambda s: (-s.score, s.row))


def confidence(score: float) -> float:
    a, b = CALIBRATION
    return 1.0 / (1.0 + math.exp(-(a * score + b)))


def pick(reader: VersionReader, ranked: list[ScoredSentence], limit: int) -> list[Pick]:
    """Up to ``limit`` quotes from different places, close in score to the best.

    A picked sentence takes in its better-scoring neighbour when that one is within
    ``PAIR_MARGIN``. No sentence is quoted twice, nor one that repeats a quoted sentence
    nearly word for word.
    """
    by_row = {cand.row: cand for cand in ranked}
    chosen: list[Pick] = []
    used: set[int] = set()
    quoted: list[frozenset[str]] = []

    def words(row: int) -> frozenset[str]:
        return frozenset(_WORD.findall(reader.sentences[row].text.lower()))

    def fresh(row: int) -> bool:
        return row not in used and all(_overlap(words(row), q) < NEAR_DUPLICATE for q in quoted)

    for cand in ranked:
        if len(chosen) >= limit or (chosen and cand.score < chosen[0].score - QUOTE_MARGIN):
            break
        if not fresh(cand.row):
            continue
        partner = _partner(reader, cand, by_row, fresh)
        rows = (cand.row,) if partner is None else tuple(sorted((cand.row, partner)))
        used.update(rows)
        quoted.extend(words(r) for r in rows)
        chosen.append(Pick(rows, cand.score))
    return chosen


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _partner(
    reader: VersionReader,
    cand: ScoredSentence,
    by_row: dict[int, ScoredSentence],
    fresh: Callable[[int], bool],
) -> int | None:
    """The adjacent, not yet quoted sentence of the same document that scores close enough
    to join."""
    document = reader.sentences[cand.row].document_id
    near = [
        by_row[row]
        for row in (cand.row - 1, cand.row + 1)
        if row in by_row
        and reader.sentences[row].document_id == document
        and fresh(row)
        and by_row[row].score >= cand.score - PAIR_MARGIN
    ]
    return max(near, key=lambda n: n.score).row if near else None
