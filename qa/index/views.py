"""The registry of what is embedded: chunks, and each sentence several ways ("views").

Answer sentences often say "it" or "she" where the question names the thing, so a
sentence is embedded alone, after its document title, after the title and the sentence
before it, and followed by the sentence after it. The build embeds every view, the store
keeps one vector file per view, the ranker turns each view's cosine into the feature
named here, and bench/fit_weights.py fits a weight for each: adding a view is one entry
below (its weight is 0 until fitted into ``qa.answer.ranker.WEIGHTS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qa.models import Chunk, Document, Sentence

CHUNKS = "chunks"  # the vector file of chunk embeddings


@dataclass(frozen=True)
class SentenceView:
    """One way of embedding a sentence."""

    name: str  # its vector file is ``<name>.faiss``
    feature: str  # the ranker feature holding cosine(question, view text)
    texts: Callable[[str, list[str]], list[str]]  # (title, sentence texts) -> view texts


def _previous(texts: list[str]) -> list[str]:
    return [""] + texts[:-1]


def _following(texts: list[str]) -> list[str]:
    return texts[1:] + [""]


SENTENCE_VIEWS: tuple[SentenceView, ...] = (
    SentenceView("sentences", "dense", lambda title, texts: list(texts)),
    SentenceView("titled", "titled", lambda title, texts: [f"{title}. {t}" for t in texts]),
    SentenceView(
        "contexts",
        "context",
        lambda title, texts: [f"{title}. {p} {t}".strip() for p, t in zip(_previous(texts), texts)],
    ),
    SentenceView(
        "withnext",
        "withnext",
        lambda title, texts: [f"{t} {n}".strip() for t, n in zip(texts, _following(texts))],
    ),
)
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
