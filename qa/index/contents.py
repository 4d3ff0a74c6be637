"""What goes into a new segment: documents split into chunks and sentences, and a vector
for each text of each view, copied from the last version where it holds that text and
embedded otherwise. The local build and the distributed one (qa.index.distributed) both
make their segments' contents here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qa.corpus.chunker import Chunker
from qa.corpus.sentences import split_spans
from qa.index.embedder import Embedder
from qa.index.progress import Progress
from qa.index.segment import SegmentData
from qa.index.store import VersionReader
from qa.index.views import CHUNKS, VECTOR_FILES, chunk_input, sentence_views
from qa.models import Chunk, Document, Sentence
from qa.settings import Settings

EMBED_BATCH = 1024  # texts per call to the embedder: the progress bar moves this often

Split = tuple[Document, list[Chunk], list[Sentence]]  # a document with its spans


def split_document(document: Document, chunker: Chunker) -> tuple[list[Chunk], list[Sentence]]:
    chunks = chunker.split(document)
    sentences = [
        Sentence(document.id, s, e, document.text[s:e]) for s, e in split_spans(document.text)
    ]
    return chunks, sentences


def split_documents(settings: Settings, documents: list[Document]) -> list[Split]:
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    return [(doc, *split_document(doc, chunker)) for doc in documents]


def segment_data(
    embedder: Embedder,
    splits: list[Split],
    known: Callable[[set[str]], dict[str, np.ndarray]],
    bar: Progress,
) -> tuple[SegmentData, int, int]:
    """Vectors for split documents: ``known(texts)`` gives the vectors already held for
    some of the texts, the rest are embedded. Returns the data, texts embedded, vectors
    copied."""
    documents: list[Document] = []
    chunks: list[Chunk] = []
    sentences: list[Sentence] = []
    inputs: dict[str, list[str]] = {name: [] for name in VECTOR_FILES}
    for doc, doc_chunks, doc_sentences in splits:
        documents.append(doc)
        chunks += doc_chunks
        sentences += doc_sentences
        inputs[CHUNKS] += [chunk_input(doc, c) for c in doc_chunks]
        for name, texts in sentence_views(doc, doc_sentences).items():
            inputs[name] += texts
    unique = list(dict.fromkeys(t for texts in inputs.values() for t in texts))
    found = known(set(unique))
    missing = [t for t in unique if t not in found]
    vectors = _embed(embedder, missing, bar)
    table: dict[str, np.ndarray] = {**found, **dict(zip(missing, vectors))}
    dims = len(next(iter(table.values()))) if table else embedder.dimensions

    def view_vectors(view: str) -> np.ndarray:
        rows = [table[t] for t in inputs[view]]
        return np.stack(rows).astype(np.float32) if rows else np.zeros((0, dims), np.float32)

    data = SegmentData(documents, chunks, sentences, view_vectors)
    return data, len(missing), len([t for t in unique if t in found])


def _embed(embedder: Embedder, texts: list[str], bar: Progress) -> list[np.ndarray]:
    """Vectors of ``texts`` in order, embedded shortest first so batches pad little."""
    bar.embedding(len(texts))
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out: list[np.ndarray] = [np.empty(0)] * len(texts)
    for start in range(0, len(order), EMBED_BATCH):
        batch = order[start : start + EMBED_BATCH]
        for i, vector in zip(batch, embedder.embed([texts[i] for i in batch])):
            out[i] = vector
        bar.embedded(len(batch))
    return out


def known_vectors(
    previous: VersionReader | None, documents: list[Document], wanted: set[str] | None
) -> dict[str, np.ndarray]:
    """Vectors the last version holds for texts in ``wanted`` (every text when None), from
    ``documents``' rows."""
    found: dict[str, np.ndarray] = {}
    if previous is None:
        return found
    for doc in documents:
        sentence_rows = previous.sentence_rows(doc.id)
        chunk_rows = previous.chunk_rows(doc.id)
        views = sentence_views(doc, [previous.sentences[r] for r in sentence_rows])
        views[CHUNKS] = [chunk_input(doc, previous.chunks[r]) for r in chunk_rows]
        for view, texts in views.items():
            rows = chunk_rows if view == CHUNKS else sentence_rows
            need = [
                (t, r)
                for t, r in zip(texts, rows)
                if (wanted is None or t in wanted) and t not in found
            ]
            if need:
                vectors = previous.vectors(view, [r for _, r in need])
                found.update((t, v) for (t, _), v in zip(need, vectors))
    return found
