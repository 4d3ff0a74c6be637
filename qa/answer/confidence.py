"""How likely the top quote answers the question: a logistic model over the ranking's evidence.

The score alone carries one data set's base rate to every corpus (fitted on WikiQA, where
most questions have no answer in a document about their very topic, it refused easy
questions about a report). So the model also reads what tells "not in these documents"
apart from "a hard question": how close the best sentence is in absolute terms, how much
of the question's rare vocabulary the sentence and the corpus hold, and how far the best
sentence stands above the next one. The coefficients are fitted on a mix of question sets (SQuAD training
paragraphs with questions from other articles as the unanswerable ones, WikiQA dev, XQuAD
dev, the article's own questions and questions from outside it), each set weighted
equally, by ``training/fit_confidence.py``, which prints them with cross-validated figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qa.answer.ranker import ScoredSentence
from qa.models import ANSWERED, NOT_FOUND, POSSIBLY, Outcome

# Fitted by `.venv/bin/python -m training.fit_confidence` (its "COEFFICIENTS = ...").
COEFFICIENTS = {
    "score": 0.512,  # the ranker's score of the best sentence
    "dense": -1.169,  # cosine(question, best sentence alone)
    "lexical": -0.442,  # share of the question's idf mass in the best sentence
    "coverage": -0.623,  # share of the question's idf mass whose words occur in the corpus
    "margin": 0.643,  # best score minus the second best
    "absent": -1.785,  # 1 when the question names a word the corpus never mentions (qa.answer.names)
}
INTERCEPT = -5.182
# The ceiling on the confidence when the question names something the quote's document
# mentions only far from the quote (qa.answer.misplaced): the quote is then mostly about
# another place or party ("Peru had 72,000 hectares of coca" for "How much coca does
# Colombia grow?"). It is the share right at the top among the questions the check fires
# on in the training data, the SQuAD training fragments with each article one document:
# (10 + 1) / (35 + 2). `.venv/bin/python -m training.misplaced` fits it.
MISPLACED = 0.297


@dataclass(frozen=True)
class Evidence:
    """What the confidence reads of one ranking."""

    score: float
    dense: float
    lexical: float
    coverage: float
    margin: float
    absent: float = 0.0  # 1.0 when the question names something the corpus never mentions
    misplaced: float = 0.0  # 1.0 when it names something the document holds only far away

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in COEFFICIENTS}


def unseen_terms(idf: dict[str, float], unseen_idf: float) -> set[str]:
    """The question's terms the corpus never uses: they carry the largest idf."""
    return {t for t, w in idf.items() if w >= unseen_idf - 1e-9}


def corpus_coverage(idf: dict[str, float], unseen_idf: float) -> float:
    """Share of the question's idf mass carried by words the corpus holds at all.

    A word the corpus never uses has the largest idf (``unseen_idf``); "the capital of
    Australia" asked of a report on Peru leaves "australia" uncovered.
    """
    total = sum(idf.values())
    if total <= 0:
        return 0.0
    unseen = unseen_terms(idf, unseen_idf)
    return sum(w for t, w in idf.items() if t not in unseen) / total


def evidence(
    ranked: list[ScoredSentence], coverage: float, absent: bool = False, misplaced: bool = False
) -> Evidence | None:
    """The evidence of a ranking, best sentence first; None when nothing was ranked."""
    if not ranked:
        return None
    best = ranked[0]
    second = ranked[1].score if len(ranked) > 1 else best.score - 1.0
    return Evidence(
        score=best.score,
        dense=best.features.get("dense", 0.0),
        lexical=best.features.get("lexical", 0.0),
        coverage=coverage,
        margin=best.score - second,
        absent=float(absent),
        misplaced=float(misplaced),
    )


def confidence(found: Evidence | None) -> float:
    """P(the top quote answers the question); 0.0 when there is no candidate at all."""
    if found is None:
        return 0.0
    z = INTERCEPT + sum(COEFFICIENTS[name] * value for name, value in found.as_dict().items())
    p = 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
    return min(p, MISPLACED) if found.misplaced else p


def outcome(p: float, answer_at: float, hedge_at: float, hedge: bool = True) -> Outcome:
    """Answered from ``answer_at``, possibly from ``hedge_at`` below it, else not found.

    ``hedge`` False (the question names something the quote's document holds only far
    away, so the quote is about another place or party) leaves no middle tier.
    """
    if p >= answer_at:
        return ANSWERED
    return POSSIBLY if hedge and p >= hedge_at else NOT_FOUND
