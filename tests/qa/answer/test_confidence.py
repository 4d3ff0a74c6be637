"""The confidence model: corpus coverage, the evidence it reads, and its direction."""

from __future__ import annotations

import pytest

from qa.answer.confidence import (
    MISPLACED,
    Evidence,
    confidence,
    corpus_coverage,
    evidence,
    outcome,
)
from qa.answer.ranker import ScoredSentence


def test_coverage_is_the_share_of_idf_mass_the_corpus_holds():
    unseen = 5.0
    assert corpus_coverage({"coca": 2.0, "peru": 1.0}, unseen) == 1.0
    assert corpus_coverage({"australia": 5.0, "capital": 5.0}, unseen) == 0.0
    assert corpus_coverage({"australia": 5.0, "peru": 1.0}, unseen) == 1.0 / 6.0
    assert corpus_coverage({}, unseen) == 0.0


def test_evidence_reads_the_best_sentence_and_its_margin():
    ranked = [
        ScoredSentence(4, 10.0, {"dense": 0.6, "lexical": 0.5}),
        ScoredSentence(2, 8.5, {"dense": 0.5, "lexical": 0.1}),
    ]
    found = evidence(ranked, coverage=0.8)
    assert found == Evidence(10.0, 0.6, 0.5, 0.8, 1.5)
    assert evidence([], 1.0) is None
    assert confidence(None) == 0.0


def test_a_clearer_winner_is_more_confident_and_every_value_is_a_probability():
    base = Evidence(score=9.0, dense=0.5, lexical=0.4, coverage=1.0, margin=0.2)
    clearer = Evidence(score=9.0, dense=0.5, lexical=0.4, coverage=1.0, margin=2.0)
    higher = Evidence(score=12.0, dense=0.5, lexical=0.4, coverage=1.0, margin=0.2)
    assert confidence(clearer) > confidence(base)
    assert confidence(higher) > confidence(base)
    unknown_name = Evidence(score=9.0, dense=0.5, lexical=0.4, coverage=1.0, margin=0.2, absent=1.0)
    assert confidence(unknown_name) < confidence(base)
    extreme = Evidence(1e9, 1.0, 1.0, 1.0, 1e9)
    assert 0.0 < confidence(base) < 1.0 and confidence(extreme) <= 1.0


def test_confidence_is_a_probability_that_grows_with_the_score():
    scores = [-1.0, 0.0, 0.5, 0.875, 1.0, 2.0]
    values = [
        confidence(Evidence(s, dense=0.5, lexical=0.4, coverage=1.0, margin=0.5)) for s in scores
    ]

    assert all(0.0 < v < 1.0 for v in values)
    assert values == sorted(values) and len(set(values)) == len(values)


def test_a_name_far_from_the_quote_caps_the_confidence_however_strong_the_match():
    strong = Evidence(score=20.0, dense=0.9, lexical=0.9, coverage=1.0, margin=5.0)
    elsewhere = Evidence(
        score=20.0, dense=0.9, lexical=0.9, coverage=1.0, margin=5.0, misplaced=1.0
    )
    assert confidence(strong) > 0.5
    assert confidence(elsewhere) == MISPLACED
    weak = Evidence(score=1.0, dense=0.1, lexical=0.0, coverage=0.5, margin=0.0, misplaced=1.0)
    assert confidence(weak) < MISPLACED  # a ceiling, never a floor


def test_outcome_is_answered_possibly_or_not_found_by_the_two_thresholds():
    assert outcome(0.31, answer_at=0.3, hedge_at=0.1) == "answered"
    assert outcome(0.3, answer_at=0.3, hedge_at=0.1) == "answered"
    assert outcome(0.29, answer_at=0.3, hedge_at=0.1) == "possibly"
    assert outcome(0.1, answer_at=0.3, hedge_at=0.1) == "possibly"
    assert outcome(0.09, answer_at=0.3, hedge_at=0.1) == "not_found"
    # A hedge threshold at or above the answer threshold leaves no middle tier.
    assert outcome(0.29, answer_at=0.3, hedge_at=0.3) == "not_found"
    assert outcome(0.29, answer_at=0.3, hedge_at=0.5) == "not_found"
    assert outcome(0.6, answer_at=0.3, hedge_at=0.5) == "answered"


def test_an_answer_says_its_outcome_and_answered_agrees_with_it():
    from qa.models import Answer

    assert Answer("q", True, 0.9).outcome == "answered"
    assert Answer("q", False, 0.1).outcome == "not_found"
    hedged = Answer("q", False, 0.2, outcome="possibly")
    assert hedged.outcome == "possibly" and not hedged.answered
    with pytest.raises(ValueError, match="contradicts"):
        Answer("q", True, 0.2, outcome="possibly")
    with pytest.raises(ValueError, match="unknown answer outcome"):
        Answer("q", False, 0.2, outcome="maybe")


def test_a_misplaced_name_leaves_no_middle_tier():
    assert outcome(0.2, answer_at=0.3, hedge_at=0.1, hedge=False) == "not_found"
    assert outcome(0.4, answer_at=0.3, hedge_at=0.1, hedge=False) == "answered"
