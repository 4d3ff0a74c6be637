"""The reranker benchmark's arithmetic, its training data and its cross-encoder's pooling."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from bench.rerankers import (
    Asked,
    Candidate,
    CrossEncoder,
    blended_accuracy,
    listwise_loss,
    squad_json,
)
from qa.corpus.loader import document_id
from qa.evaluation.datasets import load_squad
from qa.model.embedder import resolve_model
from qa.settings import DEFAULT_MODEL


def asked(scores, right, answerable=True):
    candidates = [Candidate(f"s{i}", s, r) for i, (s, r) in enumerate(zip(scores, right))]
    return Asked("q", answerable, candidates)


def test_blend_weight_zero_is_the_ranker_and_a_large_one_the_reranker():
    items = [
        asked([2.0, 1.0], [False, True]),  # the ranker is wrong, the reranker right
        asked([2.0, 1.0], [True, False]),  # the ranker is right, the reranker agrees
        asked([5.0, 1.0], [True, False], answerable=False),  # not counted
        Asked("q", True, []),  # nothing ranked: wrong
    ]
    extra = [np.array([0.0, 1.0]), np.array([1.0, 0.0]), np.array([0.0, 9.0]), np.zeros(0)]
    assert blended_accuracy(items, extra, 0.0) == pytest.approx(1 / 3)
    assert blended_accuracy(items, extra, 0.5) == pytest.approx(1 / 3)  # 2.0 vs 1.5
    assert blended_accuracy(items, extra, 1000.0) == pytest.approx(2 / 3)


def ranker_loss(item: Asked) -> float:
    return float(listwise_loss(torch.tensor([c.score for c in item.candidates]), item))


def test_listwise_loss_is_the_cross_entropy_of_the_right_candidates():
    assert ranker_loss(asked([0.0] * 4, [True, False, False, False])) == pytest.approx(math.log(4))
    two_right = asked([0.0] * 4, [True, True, False, False])
    assert ranker_loss(two_right) == pytest.approx(math.log(4))
    assert ranker_loss(asked([9.0, 0.0], [True, False])) < 0.001


def test_training_fragments_become_one_document_per_paragraph(tmp_path):
    fragments = tmp_path / "fragments.jsonl"
    rows = [
        {"title": "Canal", "context": "The canal opened in 1821.", "qas": [
            {"id": "a", "question": "When did it open?",
             "answers": [{"text": "1821", "answer_start": 20}]}]},
        {"title": "Canal", "context": "It carried timber.", "qas": [
            {"id": "b", "question": "What did it carry?",
             "answers": [{"text": "timber", "answer_start": 11}]}]},
        {"title": "Mill", "context": "The mill burned in 1901.", "qas": []},
    ]  # fmt: skip
    fragments.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    questions = load_squad(squad_json(fragments, tmp_path / "squad.json"), tmp_path / "corpus")
    assert [q.expected for q in questions] == [("1821",), ("timber",)]
    assert len(list((tmp_path / "corpus").iterdir())) == 3
    assert questions[0].gold_document != questions[1].gold_document
    by_id = {document_id(p.name): p for p in (tmp_path / "corpus").iterdir()}
    text = by_id[questions[0].gold_document].read_text(encoding="utf-8")
    start, end = questions[0].answer_span
    assert text.startswith("Canal\n\n") and text[start:end] == "1821"


def test_cross_encoder_scores_the_question_against_the_sentence_alone():
    model = CrossEncoder(resolve_model(DEFAULT_MODEL)).eval()
    question = "When did the canal at Varnhem open to barges?"
    texts = [
        "Parliament debated the tax on salt for a week.",
        "The canal at Varnhem opened to barges in 1821.",
        "Bees gather nectar from clover in the spring.",
    ]
    with torch.no_grad():
        scores = model(question, texts).numpy()
    assert scores.shape == (3,)
    assert int(np.argmax(scores)) == 1
    assert np.all(np.abs(scores) <= 20.0 + 1e-4)  # a scaled cosine
    assert len(set(np.round(scores, 4))) == 3  # each sentence pooled apart from the question
