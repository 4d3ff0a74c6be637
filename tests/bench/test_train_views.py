"""The adapter's training reads the vectors the index reads: the same documents, chunks,
sentences and pooled context spans, computed by the same rules."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from bench.train_views import chunk_pass, load_paragraphs, paragraph_loss
from qa.build.pooling import Pooled
from qa.corpus.chunker import Chunker
from qa.model.backends import TorchBackend
from qa.model.embedder import resolve_model
from qa.settings import DEFAULT_MODEL
from training.train_model import add_adapters

LONG = " ".join(
    f"The {n}th lock of the canal at Varnhem was rebuilt in stone by the guild of masons."
    for n in range(4, 16)
)
PARAGRAPHS = [
    {
        "title": "Varnhem_canal",
        "context": "The canal was opened in 1821. It carried timber to the coast. " + LONG,
        "qas": [
            {"question": "When was the canal opened?", "answers": [{"answer_start": 24}]},
            {"question": "What did the canal carry?", "answers": [{"answer_start": 41}]},
        ],
    },
    {
        "title": "Orre_lighthouse",
        "context": "The lighthouse at Orre stands on a granite reef. Its lamp burns whale oil.",
        "qas": [{"question": "What does the lamp burn?", "answers": [{"answer_start": 64}]}],
    },
]


@pytest.fixture(scope="module")
def paragraphs(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("train") / "fragments.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in PARAGRAPHS), encoding="utf-8")
    return load_paragraphs(path, Chunker(800, 100))


@pytest.fixture(scope="module")
def model():
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(resolve_model(DEFAULT_MODEL), device="cpu").eval()


def test_each_question_points_at_the_sentence_and_chunks_holding_its_answer(paragraphs):
    canal, lighthouse = paragraphs
    assert len(canal.chunk_inputs) >= 2  # long enough to be cut, so some contexts pool
    assert [canal.sentences[i] for i in canal.answers] == [
        "The canal was opened in 1821.",
        "It carried timber to the coast.",
    ]
    assert lighthouse.sentences[lighthouse.answers[0]] == "Its lamp burns whale oil."
    for para in paragraphs:
        for answer, holding in zip(para.answers, para.answer_chunks):
            assert holding and all(para.sentences[answer] in para.chunk_inputs[c] for c in holding)
        assert all(isinstance(key, Pooled) for key in para.contexts)


def test_chunk_and_context_vectors_are_the_ones_the_index_computes(paragraphs, model):
    inputs = [c for p in paragraphs for c in p.chunk_inputs]
    contexts = [k for p in paragraphs for k in p.contexts]
    with torch.no_grad():
        chunks, rows, pooled, alone = chunk_pass(model, inputs, contexts)
    index_model = TorchBackend(model)
    passes = dict(zip(inputs, index_model.tokens(inputs)))
    assert np.allclose(chunks.numpy(), [passes[c].whole() for c in inputs], atol=1e-5)
    assert not alone and rows == list(range(len(contexts)))
    expected = [passes[k.source].pool(k.spans, k.anchor) for k in contexts]
    assert np.allclose(pooled.numpy(), expected, atol=1e-5)


def test_training_steps_lower_the_loss_of_what_they_train_on(paragraphs):
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    model = SentenceTransformer(resolve_model(DEFAULT_MODEL), device="cpu")
    layers = add_adapters(model, rank=4, alpha=8.0)
    params = [p for layer in layers.values() for p in (layer.lora_A, layer.lora_B)]
    optimizer = torch.optim.AdamW(params, lr=5e-3)
    model.train()
    losses = []
    for _ in range(4):
        loss = paragraph_loss(model, paragraphs, scale=20.0)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]
