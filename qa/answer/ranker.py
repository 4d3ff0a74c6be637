"""Rank candidate sentences against the question; calibrate the best score."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from qa.answer.retriever import ChunkHit
from qa.index.lexical import analyze
from qa.index.version import IndexVersion
from qa.index.views import SENTENCE_VIEWS, SENTENCES

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
# Every feature the ranker computes, in order: one cosine per sentence view
# (qa.index.views), then the word-level ones. A feature without a weight counts 0 until
# bench/fit_weights.py fits one.
FEATURES = (
    *(view.feature for view in SENTENCE_VIEWS),
    "lexical",
    "lexical_context",
    "document",
    "length",
    "residual",
    "residual_context",
)
# Logistic calibration of the best score into P(top quote is right), fitted by the same
# script on the same data, where unanswerable questions count as wrong.
CALIBRATION = (0.3960, -7.9558)
MAX_DOCS = 5
DENSE_SENTENCES = 20
WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class ScoredSentence:
    row: int
    score: float
    features: dict[str, float]


def is_quotable(text: str) -> bool:
    """Real sentences, not headings, bylines or navigation crumbs."""
    words = WORD.findall(text)
    if len(words) < 4:
        return False
    return text.rstrip("\"'”’)]").endswith((".", "!", "?", "…", ":")) or len(words) >= 12


def candidate_rows(
    reader: IndexVersion, hits: list[ChunkHit], query_vector: np.ndarray
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
    rows.update(r for r, _ in reader.dense_search(SENTENCES, query_vector, DENSE_SENTENCES))
    return {r for r in rows if is_quotable(reader.sentences[r].text)}, strength


def rank(
    reader: IndexVersion,
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
        view.feature: reader.cosines(view.name, ordered, question_vector) for view in SENTENCE_VIEWS
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
            **{feature: float(values[i]) for feature, values in cosines.items()},
            "lexical": sum(w for t, w in idf.items() if t in own) / total,
            "lexical_context": sum(w for t, w in idf.items() if t in around) / total,
            "document": strength.get(sentence.document_id, 0.0),
            "length": math.log1p(len(sentence.text.split())),
            "residual": sum(w for t, w in residual.items() if t in own) / residual_total,
            "residual_context": sum(w for t, w in residual.items() if t in around) / residual_total,
        }
        score = sum(WEIGHTS.get(k, 0.0) * v for k, v in features.items())
        out.append(ScoredSentence(row, score, features))
    return sorted(out, key=lambda s: (-s.score, s.row))


def confidence(score: float) -> float:
    a, b = CALIBRATION
    return 1.0 / (1.0 + math.exp(-(a * score + b)))
