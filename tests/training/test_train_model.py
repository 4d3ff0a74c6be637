"""The adapter training: its examples point at the sentences holding the answers, and its
steps lower the loss they train on, with only the adapters' weights changing."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import torch

from qa.model.embedder import resolve_model
from qa.settings import DEFAULT_MODEL
from training.train_model import add_adapters, load_examples, pair_batches, pair_loss

PARAGRAPHS = [
    {
        "title": "Varnhem_canal",
        "context": "The canal was opened in 1821. It carried timber to the coast. "
        "Its locks were rebuilt in stone by the guild of masons.",
        "qas": [
            {"question": "When was the canal opened?", "answers": [{"answer_start": 24}]},
            {"question": "What did the canal carry?", "answers": [{"answer_start": 41}]},
            {"question": "Who rebuilt the locks?", "answers": [{"answer_start": 100}]},
        ],
    },
    {
        "title": "Orre_lighthouse",
        "context": "The lighthouse at Orre stands on a granite reef. Its lamp burns whale oil.",
        "qas": [
            {"question": "What does the lamp burn?", "answers": [{"answer_start": 64}]},
            {"question": "What does the lighthouse stand on?", "answers": [{"answer_start": 35}]},
        ],
    },
]
ANSWERS = {
    "When was the canal opened?": "The canal was opened in 1821.",
    "What did the canal carry?": "It carried timber to the coast.",
    "Who rebuilt the locks?": "Its locks were rebuilt in stone by the guild of masons.",
    "What does the lamp burn?": "Its lamp burns whale oil.",
    "What does the lighthouse stand on?": "The lighthouse at Orre stands on a granite reef.",
}


@pytest.fixture
def fragments(tmp_path):
    path = tmp_path / "fragments.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in PARAGRAPHS), encoding="utf-8")
    return path


def test_each_example_shows_the_answer_sentence_and_another_of_its_paragraph(fragments):
    examples = load_examples(fragments, random.Random(0))
    assert [e.question for e in examples] == list(ANSWERS)
    for e in examples:
        answer = ANSWERS[e.question]
        assert answer in e.positive  # alone, or in one of the views around it
        assert e.negative is not None and e.negative != e.positive
        paragraph = next(p for p in PARAGRAPHS if e.question in str(p["qas"]))
        others = [s for q, s in ANSWERS.items() if q in str(paragraph["qas"]) and s != answer]
        assert any(s in e.negative for s in others)


def test_batches_are_full_and_hold_every_example_at_most_once(fragments):
    examples = load_examples(fragments, random.Random(0))
    batches = pair_batches(list(examples), 2, random.Random(1))
    assert [len(b) for b in batches] == [2, 2]
    seen = [e.question for b in batches for e in b]
    assert len(set(seen)) == len(seen) == 4


def test_training_steps_lower_the_loss_and_change_only_the_adapters(fragments):
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    model = SentenceTransformer(resolve_model(DEFAULT_MODEL), device="cpu")
    model.max_seq_length = 64
    frozen = [(p, p.detach().clone()) for p in model.parameters()]  # the base model's own
    layers = add_adapters(model, rank=4, alpha=8.0)
    assert len(layers) == 36  # six linear layers in each of the six transformer layers
    params = [p for layer in layers.values() for p in (layer.lora_A, layer.lora_B)]
    optimizer = torch.optim.AdamW(params, lr=5e-3)
    batch = load_examples(fragments, random.Random(0))
    model.train()
    losses = []
    for _ in range(4):
        loss = pair_loss(model, batch, scale=20.0)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]
    assert all(not p.requires_grad and torch.equal(p, copy) for p, copy in frozen)
    assert all(layer.lora_B.abs().sum() > 0 for layer in layers.values())  # started at zero
