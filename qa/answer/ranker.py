"""Rank candidate sentences against the question."""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

from qa.answer.definitions import spells_out
from qa.answer.question import Question
from qa.answer.retriever import ChunkHit
from qa.index.lexical import term_set
from qa.index.version import IndexVersion
from qa.index.views import SENTENCE_VIEWS, SENTENCES

# Linear weights of the sentence features, fitted listwise (softmax over each question's
# candidates) on WikiQA dev and XQuAD dev together, each set weighted equally, with the
# bundled adapter: `.venv/bin/python -m training.fit_weights`, which also prints their
# 5-fold cross-validated acc@1 per set (the figures the README quotes).
WEIGHTS = {
    "dense": 6.353,  # cosine(question, sentence)
    "context": 7.055,  # cosine(question, the sentence in its context, pooled)
    "lexical": 0.210,  # idf-weighted share of question words in the sentence (see below)
    "lexical_context": 2.359,  # ... in the sentence, its title and the sentence before
    "document": 0.816,  # the document's retrieval strength, 1.0 for the best
    "length": 0.362,  # log(1 + words)
    "residual": 1.457,  # share of question words *not in the title* found in the sentence
    "residual_context": -0.453,  # ... found in the sentence or the one before
    "defines": 3.286,  # the sentence spells out the acronym asked about (qa.answer.definitions)
}
# Every feature the ranker computes, in order: one cosine per sentence view
# (qa.index.views), then the word-level ones. A feature without a weight counts 0 until
# training/fit_weights.py fits one.
FEATURES = (
    *(view.feature for view in SENTENCE_VIEWS),
    "lexical",
    "lexical_context",
    "document",
    "length",
    "residual",
    "residual_context",
    "defines",
)
MAX_DOCS = 5
# A document of more sentences than this offers only those in its retrieved chunks (and
# the nearest sentences anywhere, as every document does): ranking every sentence of five
# long reports costs far more than the answer is worth.
WHOLE_DOCUMENT = 200
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
    reader: IndexVersion, hits: list[ChunkHit], question: Question
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
    rows = {r for doc, _ in top for r in _offered(reader, doc, hits)}
    nearest = reader.dense_search(SENTENCES, question.vector, DENSE_SENTENCES)
    rows.update(r for r, _ in nearest)
    return {r for r in rows if quotable_row(reader, r)}, strength


def quotable_row(reader: IndexVersion, row: int) -> bool:
    """A quotable sentence outside the document's code blocks and tables."""
    sentence = reader.sentences[row]
    if not is_quotable(sentence.text):
        return False
    return not reader.documents[sentence.document_id].in_code(sentence.start, sentence.end)


def _offered(reader: IndexVersion, document_id: str, hits: list[ChunkHit]) -> list[int]:
    """The document's sentences, or for a long one those within its retrieved chunks."""
    rows = reader.sentence_rows(document_id)
    if len(rows) <= WHOLE_DOCUMENT:
        return rows
    chunks = [reader.chunks[h.row] for h in hits]
    spans = sorted((c.start, c.end) for c in chunks if c.document_id == document_id)
    out = []
    for row in rows:
        sentence = reader.sentences[row]
        i = bisect.bisect_left(spans, (sentence.end, -1))  # spans starting before it ends
        if any(end > sentence.start for _, end in spans[:i]):
            out.append(row)
    return out


def rank(
    reader: IndexVersion, question: Question, rows: set[int], strength: dict[str, float]
) -> list[ScoredSentence]:
    """Score each candidate sentence with its own words and its context, weighing the
    question's words by their idf in ``reader``."""
    if not rows:
        return []
    idf = question.idf
    total = sum(idf.values()) or 1.0
    ordered = sorted(rows)
    cosines = {
        view.feature: reader.cosines(view.name, ordered, question.vector) for view in SENTENCE_VIEWS
    }
    # The question words each document's title does not already cover, once per document.
    residuals: dict[str, tuple[dict[str, float], float]] = {}
    for doc_id in {reader.sentences[row].document_id for row in ordered}:
        title_terms = term_set(reader.documents[doc_id].title)
        residual = {t: w for t, w in idf.items() if t not in title_terms}
        residuals[doc_id] = residual, sum(residual.values()) or 1.0
    out = []
    for i, row in enumerate(ordered):
        sentence = reader.sentences[row]
        doc = reader.documents[sentence.document_id]
        own = term_set(sentence.text)
        around = own | term_set(doc.title) | term_set(reader.neighbour_text(row))
        residual, residual_total = residuals[sentence.document_id]
        features = {
            **{feature: float(values[i]) for feature, values in cosines.items()},
            "lexical": sum(w for t, w in idf.items() if t in own) / total,
            "lexical_context": sum(w for t, w in idf.items() if t in around) / total,
            "document": strength.get(sentence.document_id, 0.0),
            "length": math.log1p(len(sentence.text.split())),
            "residual": sum(w for t, w in residual.items() if t in own) / residual_total,
            "residual_context": sum(w for t, w in residual.items() if t in around) / residual_total,
            "defines": float(spells_out(sentence.text, question.acronyms)),
        }
        score = sum(WEIGHTS.get(k, 0.0) * v for k, v in features.items())
        out.append(ScoredSentence(row, score, features))
    return sorted(out, key=lambda s: (-s.score, s.row))
