"""The index-views training objective (``bench.train_model --objective index-views``).

SQuAD train paragraphs are made into documents the way `qa eval` makes XQuAD's (title
line, blank line, paragraph), then split, chunked and keyed by the index's own code
(qa.build.contents), so the model is trained on exactly the vectors the ranker reads: the
sentence alone (the ``sentences`` view), the sentence pooled from the model's pass over
its chunk (the ``contexts`` view, qa.build.pooling), and the chunk itself (document
retrieval). A step takes a few paragraphs and all their questions. Each question's loss
is a softmax over every quotable sentence of those paragraphs, once per sentence view and
once over their sum (the ranker adds the two cosines), and one over their chunks: the
other sentences of its own paragraph are the hard negatives, the other paragraphs' the
easy ones.

Measured and not shipped (README, "The fine-tuned model"): the bundled adapter comes from
the ``pairs`` objective.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from qa.answer.ranker import is_quotable
from qa.build.contents import split_document, view_keys
from qa.build.pooling import Pooled, span_tokens
from qa.corpus.chunker import Chunker
from qa.corpus.loader import load_bytes
from qa.index.views import CHUNKS, SENTENCE_VIEWS

CONTEXT = SENTENCE_VIEWS[1].name


@dataclass(frozen=True)
class Paragraph:
    """One training paragraph as the index sees it, with its questions."""

    title: str  # the article it is from
    chunk_inputs: list[str]  # what the model reads for each chunk
    sentences: list[str]  # the quotable sentences, alone
    contexts: list[Pooled | str]  # their context view: pooled from a chunk, or a text
    questions: list[str]
    answers: list[int]  # per question: the index of the sentence holding its answer
    answer_chunks: list[tuple[int, ...]]  # per question: the chunks holding that sentence


def load_paragraphs(path: Path, chunker: Chunker) -> list[Paragraph]:
    """Each SQuAD paragraph made into a document as `qa eval` makes XQuAD's, split and
    keyed by the index's code; questions whose answer is in no quotable sentence are left
    out."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        para = json.loads(line)
        header = para["title"].replace("_", " ") + "\n\n"
        doc = load_bytes(f"{n:04d}.txt", (header + para["context"] + "\n").encode())
        chunks, sentences = split_document(doc, chunker)
        keys = view_keys(doc, chunks, sentences)
        kept = [i for i, s in enumerate(sentences) if is_quotable(s.text)]
        position = {i: k for k, i in enumerate(kept)}
        questions, answers, answer_chunks = [], [], []
        for qa in para["qas"]:
            start = len(header) + int(qa["answers"][0]["answer_start"])
            hit = [i for i, s in enumerate(sentences) if s.start <= start < s.end]
            if not hit or hit[0] not in position:
                continue
            s = sentences[hit[0]]
            holding = tuple(c for c, ch in enumerate(chunks) if ch.start <= s.start < ch.end)
            questions.append(qa["question"])
            answers.append(position[hit[0]])
            answer_chunks.append(holding)
        if questions:
            out.append(
                Paragraph(
                    title=para["title"],
                    chunk_inputs=[str(k) for k in keys[CHUNKS]],
                    sentences=[sentences[i].text for i in kept],
                    contexts=[keys[CONTEXT][i] for i in kept],
                    questions=questions,
                    answers=answers,
                    answer_chunks=answer_chunks,
                )
            )
    return out


def encode(model, texts: list[str]) -> torch.Tensor:
    """Texts embedded alone, as the index embeds them (mean pooled, unit length)."""
    features = model.tokenize(texts)
    return model(features)["sentence_embedding"]


def _unit(v: torch.Tensor) -> torch.Tensor:
    return nn.functional.normalize(v.float(), dim=-1)


def chunk_pass(model, inputs: list[str], contexts: list[Pooled | str]):
    """One pass over the chunk inputs: each chunk's vector (the mean of all its tokens)
    and each pooled context vector (the mean of its spans' tokens), as qa.build.pooling
    computes them. Context keys the pass cannot pool (a text, or a sentence past the
    model's input length) come back as indices, to embed alone."""
    transformer = model[0]
    encoded = transformer.tokenizer(
        inputs, padding=True, truncation="longest_first", return_tensors="pt",
        max_length=model.max_seq_length, return_offsets_mapping=True,
    )  # fmt: skip
    offsets = encoded.pop("offset_mapping").numpy()
    mask = encoded["attention_mask"].numpy().astype(bool)
    hidden = transformer.auto_model(**encoded).last_hidden_state
    weights = torch.from_numpy(mask.astype(np.float32))
    chunk_vectors = _unit((hidden * weights[..., None]).sum(1) / weights.sum(1, keepdim=True))
    where = {text: i for i, text in enumerate(inputs)}
    rows, pooled, alone = [], [], []
    for k, key in enumerate(contexts):
        c = where.get(key.source) if isinstance(key, Pooled) else None
        # The index's rule, over the chunk's real tokens (its pass has no padding).
        inside = span_tokens(offsets[c][mask[c]], key.spans, key.anchor) if c is not None else None
        if inside is None:
            alone.append(k)
            continue
        rows.append(k)
        pooled.append(hidden[c][torch.from_numpy(mask[c])][torch.from_numpy(inside)].mean(0))
    vectors = _unit(torch.stack(pooled)) if pooled else None
    return chunk_vectors, rows, vectors, alone


def paragraph_loss(model, batch: list[Paragraph], scale: float) -> torch.Tensor:
    """The loss of one step: each question against every sentence and chunk of the batch."""
    inputs, sentences, contexts, questions = [], [], [], []
    answers, positives = [], []
    for para in batch:
        first_chunk, first_sentence = len(inputs), len(sentences)
        for answer, holding in zip(para.answers, para.answer_chunks):
            answers.append(first_sentence + answer)
            positives.append([first_chunk + c for c in holding])
        inputs += para.chunk_inputs
        sentences += para.sentences
        contexts += para.contexts
        questions += para.questions
    chunk_vectors, rows, pooled, alone = chunk_pass(model, inputs, contexts)
    sentence_vectors = _unit(encode(model, sentences))
    context_vectors = torch.zeros_like(sentence_vectors)
    if rows:
        context_vectors = context_vectors.index_copy(0, torch.tensor(rows), pooled)
    if alone:
        context_text = [contexts[k].text if isinstance(contexts[k], Pooled) else contexts[k]
                        for k in alone]  # fmt: skip
        context_vectors = context_vectors.index_copy(
            0, torch.tensor(alone), _unit(encode(model, context_text))
        )
    q = _unit(encode(model, questions))
    target = torch.tensor(answers)
    # Another paragraph's sentence with the very text of the answer is not a negative.
    same = torch.tensor([[sentences[j] == sentences[a] and j != a for j in range(len(sentences))]
                         for a in answers])  # fmt: skip
    alone_scores = (q @ sentence_vectors.T).masked_fill(same, -1e4 / scale)
    context_scores = (q @ context_vectors.T).masked_fill(same, -1e4 / scale)
    ce = nn.functional.cross_entropy
    loss = (
        ce(alone_scores * scale, target)
        + ce(context_scores * scale, target)
        + ce((alone_scores + context_scores) * scale / 2, target)
    )
    chunk_scores = (q @ chunk_vectors.T) * scale
    held = torch.zeros_like(chunk_scores, dtype=torch.bool)
    for i, chunks in enumerate(positives):
        held[i, chunks] = True
    chunk_loss = torch.logsumexp(chunk_scores, 1) - torch.logsumexp(
        chunk_scores.masked_fill(~held, -1e4), 1
    )
    return (loss + chunk_loss.mean()) / 4


def batches(paragraphs: list[Paragraph], size: int, rng: random.Random, by_article: bool):
    """One epoch's steps of ``size`` paragraphs each; ``by_article``: each step's paragraphs
    come from one article, so the other sentences of the batch are about the same topic
    (as in an open corpus of one subject) rather than easy negatives."""
    if not by_article:
        rng.shuffle(paragraphs)  # in place: each epoch reshuffles the last one's order
        return [paragraphs[b : b + size] for b in range(0, len(paragraphs) - size + 1, size)]
    groups: dict[str, list[Paragraph]] = {}
    for para in paragraphs:
        groups.setdefault(para.title, []).append(para)
    out = []
    for group in groups.values():
        rng.shuffle(group)
        out += [group[b : b + size] for b in range(0, len(group) - size + 1, size)]
    rng.shuffle(out)
    return out
