"""The registry of what is embedded: chunks, and each sentence two ways ("views").

Answer sentences often say "it" or "she" where the question names the thing, so besides
the sentence alone the index holds a vector of the sentence in its context: the document
title, the sentence before it and the sentence itself. That one is not embedded as a text
of its own but pooled from the model's single pass over the chunk the sentence sits in
(qa.build.pooling), so the build reads each chunk once and each sentence twice instead of
six times. The store keeps one vector file per view, the ranker turns each view's cosine
into the feature named here, and training/fit_weights.py fits a weight for each: adding a
view is one entry below (its weight is 0 until fitted into ``qa.answer.ranker.WEIGHTS``).

Two sentence views are enough: others (the sentence under its title, the sentence with
the one after it, embedded or pooled) add nothing to the answers beside the pooled
context view, and each would cost a vector file and a feature (docs/decisions.md,
"Which sentence views earn their cost").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qa.models import Chunk, Document, Sentence

CHUNKS = "chunks"  # the vector file of chunk embeddings


@dataclass(frozen=True)
class SentenceView:
    """One way of embedding a sentence."""

    name: str  # its vector file is ``<name>.faiss`` or ``<name>.npy``
    feature: str  # the ranker feature holding cosine(question, view)
    texts: Callable[[str, list[str]], list[str]]  # (title, sentence texts) -> view texts
    # Pooled views: the parts of the chunk input whose tokens are averaged, of "title",
    # "previous", "sentence" and "next" (qa.build.pooling); their text is embedded only
    # for a sentence no chunk holds whole. Empty: the text is embedded.
    pooled: tuple[str, ...] = ()


def _previous(texts: list[str]) -> list[str]:
    return [""] + texts[:-1]


SENTENCE_VIEWS: tuple[SentenceView, ...] = (
    SentenceView("sentences", "dense", lambda title, texts: list(texts)),
    SentenceView(
        "contexts",
        "context",
        lambda title, texts: [f"{title}. {p} {t}".strip() for p, t in zip(_previous(texts), texts)],
        pooled=("title", "previous", "sentence"),
    ),
)
POOLED = {view.name: view.pooled for view in SENTENCE_VIEWS if view.pooled}


def pooled_record(pooled: dict[str, tuple[str, ...]] = POOLED) -> tuple[str, ...]:
    """How views are pooled, as an index manifest records it: ("contexts=title+...", ...)."""
    return tuple(f"{view}={'+'.join(parts)}" for view, parts in pooled.items())


def pooled_from_record(record: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The inverse of ``pooled_record``, for the vectors an older version holds."""
    pairs = (entry.split("=", 1) for entry in record if "=" in entry)
    return {view: tuple(parts.split("+")) for view, parts in pairs}


SENTENCES = SENTENCE_VIEWS[0].name  # the sentence alone: nearest-sentence search
VECTOR_FILES = (CHUNKS, *(view.name for view in SENTENCE_VIEWS))
# The views the query side searches; the others are only read for cosines of known rows.
SEARCHED = (CHUNKS, SENTENCES)


def chunk_input(document: Document, chunk: Chunk) -> str:
    """A chunk is embedded with its document title, which often names what 'it' is."""
    return f"{document.title}\n\n{chunk.text}"


def sentence_views(document: Document, sentences: list[Sentence]) -> dict[str, list[str]]:
    """Each view's input texts for a document's sentences, in sentence order."""
    texts = [s.text for s in sentences]
    return {view.name: view.texts(document.title, texts) for view in SENTENCE_VIEWS}
