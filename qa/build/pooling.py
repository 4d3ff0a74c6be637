"""Sentence views pooled from one pass of the model over each chunk ("late chunking").

Embedding a sentence several ways (qa.index.views) reads each sentence four times and its
neighbours twice more: six times the tokens of the text. Instead, the model reads each
chunk once (as the index embeds it: title, blank line, chunk text), and a sentence's view
is the mean of the output vectors of the tokens in that view's spans (the sentence; the
title and the sentence; the title, the sentence before and the sentence). Every token has
already attended to the whole chunk, so the pooled vector carries the context the
separate views spell out, at the cost of one pass. The chunk's own vector is the mean over
all its tokens, which is what embedding the chunk gives.

A pooled vector is named by a ``Pooled`` key: the chunk input and the character spans, so
the same chunk text always gives the same vector and the build can copy it from the last
version like any embedded text. A sentence that no chunk holds whole, or whose tokens fall
beyond the model's input length, is embedded alone from the view's text instead.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from qa.model.tokens import Span, TokenPass
from qa.models import Chunk, Document, Sentence


@dataclass(frozen=True)
class Pooled:
    """A vector pooled from the tokens of ``spans`` (character offsets into ``source``)."""

    source: str  # the text the model reads: a chunk input
    spans: tuple[Span, ...]
    anchor: Span  # the sentence itself: the pass must read it to its end
    text: str  # the view's own text, embedded alone when the pass stops before the anchor ends


def _holds(chunk: Chunk, sentences: list[Sentence], j: int) -> bool:
    """True when sentence ``j`` exists and lies whole inside ``chunk``."""
    return (
        0 <= j < len(sentences)
        and chunk.start <= sentences[j].start <= sentences[j].end <= chunk.end
    )


def home_chunks(chunks: list[Chunk], sentences: list[Sentence]) -> list[int | None]:
    """For each sentence, the chunk it is read in: of the chunks holding it whole, the one
    that also holds the sentence before it (the context view reads that one), then the
    one after it, then where it sits most centred; None when no chunk holds it whole."""
    order = sorted(range(len(chunks)), key=lambda i: chunks[i].start)
    starts = [chunks[i].start for i in order]
    homes: list[int | None] = []
    for i, s in enumerate(sentences):
        best, rank = None, (False, False, -1)
        k = bisect.bisect_right(starts, s.start) - 1
        # Chunks follow each other, so their ends rise with their starts: walking back
        # from the last chunk starting before the sentence, stop at one ending before it.
        while k >= 0 and chunks[order[k]].end >= s.end:
            c = chunks[order[k]]
            here = (
                _holds(c, sentences, i - 1),
                _holds(c, sentences, i + 1),
                min(s.start - c.start, c.end - s.end),
            )
            if here > rank:
                best, rank = order[k], here
            k -= 1
        homes.append(best)
    return homes


def pooled_keys(
    document: Document,
    chunks: list[Chunk],
    sentences: list[Sentence],
    chunk_inputs: list[str],
    views: dict[str, list[str]],
    pooled: dict[str, tuple[str, ...]],
) -> dict[str, list[str | Pooled]]:
    """Each view's keys for a document's sentences: ``Pooled`` for the views in ``pooled``
    (view -> the parts it averages, of "title", "previous", "sentence", "next"), the
    view's text otherwise and wherever no chunk holds the sentence whole."""
    out: dict[str, list[str | Pooled]] = {view: list(texts) for view, texts in views.items()}
    for i, home in enumerate(home_chunks(chunks, sentences)):
        if home is None:
            continue
        parts = _parts(document, chunks[home], len(chunk_inputs[home]), sentences, i)
        anchor = parts["sentence"]
        assert anchor is not None  # the home chunk holds the sentence whole
        for view, wanted in pooled.items():
            spans = tuple(span for p in wanted if (span := parts.get(p)) is not None)
            out[view][i] = Pooled(chunk_inputs[home], spans, anchor, views[view][i])
    return out


def _parts(
    document: Document, chunk: Chunk, input_length: int, sentences: list[Sentence], i: int
) -> dict[str, Span | None]:
    """Where the title and sentence ``i`` with its neighbours sit in the chunk's input
    (None for a neighbour outside the chunk)."""
    shift = input_length - len(chunk.text) - chunk.start  # document -> input offsets

    def inside(j: int) -> Span | None:
        if _holds(chunk, sentences, j):
            return (sentences[j].start + shift, sentences[j].end + shift)
        return None

    return {
        "title": (0, len(document.title)),
        "sentence": inside(i),
        "previous": inside(i - 1),
        "next": inside(i + 1),
    }


def pooled_vectors(read: TokenPass, keys: list[Pooled]) -> dict[Pooled, np.ndarray]:
    """Vectors of ``keys`` (all of one source, whose pass is ``read``) that the pass read
    to the end of their sentence."""
    out = {}
    for key in keys:
        vector = read.pool(key.spans, key.anchor)
        if vector is not None:
            out[key] = vector
    return out
