"""What goes into a new segment: documents split into chunks and sentences, and a vector
for each text of each view, copied from the last version where it holds that text and
embedded otherwise. The local build and the distributed one (qa.build.distributed) both
make their segments' contents here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qa.build.pooling import Pooled, pooled_keys, pooled_vectors
from qa.build.progress import Progress
from qa.corpus.chunker import Chunker
from qa.corpus.sentences import split_spans
from qa.index.segment import SegmentData
from qa.index.store import VersionReader
from qa.index.views import (
    CHUNKS,
    POOLED,
    VECTOR_FILES,
    chunk_input,
    pooled_from_record,
    sentence_views,
)
from qa.model.embedder import Embedder
from qa.models import Chunk, Document, Sentence
from qa.settings import Settings

EMBED_BATCH = 1024  # texts per call to the embedder: the progress bar moves this often
PASS_BATCH = 128  # chunk inputs per token pass call: their token vectors are held at once

Split = tuple[Document, list[Chunk], list[Sentence]]  # a document with its spans


def split_document(document: Document, chunker: Chunker) -> tuple[list[Chunk], list[Sentence]]:
    """Chunks over the whole text; sentences only of the prose between code spans (code
    and tables stay in the chunks, but are never a sentence to quote)."""
    chunks = chunker.split(document)
    sentences = [
        Sentence(document.id, s, e, document.text[s:e])
        for start, end in prose_spans(document)
        for s, e in split_spans(document.text, start, end)
    ]
    return chunks, sentences


def prose_spans(document: Document) -> list[tuple[int, int]]:
    """The stretches of a document's text outside its code spans, in order."""
    spans, pos = [], 0
    for start, end in sorted(document.code):
        if start > pos:
            spans.append((pos, start))
        pos = max(pos, end)
    if pos < len(document.text) or not spans:
        spans.append((pos, len(document.text)))
    return spans


def split_documents(settings: Settings, documents: list[Document]) -> list[Split]:
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    return [(doc, *split_document(doc, chunker)) for doc in documents]


Key = str | Pooled  # what a vector is of: a text embedded alone, or a pooled span


def view_keys(
    document: Document,
    chunks: list[Chunk],
    sentences: list[Sentence],
    pooled: dict[str, tuple[str, ...]] = POOLED,
) -> dict[str, list[Key]]:
    """Each vector file's keys for one document, in row order; ``pooled``: which views are
    pooled from chunk passes, and how (another version's may differ: qa.index.views)."""
    inputs = [chunk_input(document, c) for c in chunks]
    views = sentence_views(document, sentences)
    keys: dict[str, list[Key]] = {CHUNKS: list(inputs)}
    keys.update(pooled_keys(document, chunks, sentences, inputs, views, pooled))
    return keys


def segment_data(
    embedder: Embedder,
    splits: list[Split],
    known: Callable[[set[Key]], dict[Key, np.ndarray]],
    bar: Progress,
) -> tuple[SegmentData, int, int]:
    """Vectors for split documents: ``known(keys)`` gives the vectors already held for
    some of the keys, the rest are embedded (or pooled from one pass over their chunk).
    Returns the data, texts embedded (chunks read for pooling included), vectors copied."""
    documents: list[Document] = []
    chunks: list[Chunk] = []
    sentences: list[Sentence] = []
    inputs: dict[str, list[Key]] = {name: [] for name in VECTOR_FILES}
    for doc, doc_chunks, doc_sentences in splits:
        documents.append(doc)
        chunks += doc_chunks
        sentences += doc_sentences
        for name, keys in view_keys(doc, doc_chunks, doc_sentences).items():
            inputs[name] += keys
    unique = list(dict.fromkeys(k for keys in inputs.values() for k in keys))
    found = known(set(unique))
    missing = [k for k in unique if k not in found]
    table: dict[Key, np.ndarray] = dict(found)
    pooled = [k for k in missing if isinstance(k, Pooled)]
    by_source: dict[str, list[Pooled]] = {}
    for key in pooled:
        by_source.setdefault(key.source, []).append(key)
    texts = [k for k in missing if isinstance(k, str)]
    bar.embedding(len(by_source) + len(texts))
    table.update(_pool(embedder, by_source, bar))
    left = [k.text for k in pooled if k not in table]  # no token of theirs was read
    texts = [t for t in dict.fromkeys([*texts, *left]) if t not in table]
    table.update(zip(texts, _embed(embedder, texts, bar)))
    for key in pooled:
        if key not in table:
            table[key] = table[key.text]
    dims = len(next(iter(table.values()))) if table else embedder.dimensions

    def view_vectors(view: str) -> np.ndarray:
        rows = [table[k] for k in inputs[view]]
        return np.stack(rows).astype(np.float32) if rows else np.zeros((0, dims), np.float32)

    data = SegmentData(documents, chunks, sentences, view_vectors)
    return data, len(by_source) + len(texts), len([k for k in unique if k in found])


def _pool(
    embedder: Embedder, by_source: dict[str, list[Pooled]], bar: Progress
) -> dict[Key, np.ndarray]:
    """Each chunk input read once: its own vector and those of its pooled keys. Token
    vectors are held for one batch of chunks at a time (about 0.3 MB per chunk), never
    for the whole build."""
    out: dict[Key, np.ndarray] = {}
    order = sorted(by_source, key=len)
    for start in range(0, len(order), PASS_BATCH):
        batch = order[start : start + PASS_BATCH]
        for source, read in zip(batch, embedder.embed_tokens(batch)):
            out[source] = read.whole()
            out.update(pooled_vectors(read, by_source[source]))
        bar.embedded(len(batch))
    return out


def _embed(embedder: Embedder, texts: list[str], bar: Progress) -> list[np.ndarray]:
    """Vectors of ``texts`` in order, embedded shortest first so batches pad little."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out: list[np.ndarray] = [np.empty(0)] * len(texts)
    for start in range(0, len(order), EMBED_BATCH):
        batch = order[start : start + EMBED_BATCH]
        for i, vector in zip(batch, embedder.embed([texts[i] for i in batch])):
            out[i] = vector
        bar.embedded(len(batch))
    return out


def known_vectors(
    previous: VersionReader | None, documents: list[Document], wanted: set[Key] | None
) -> dict[Key, np.ndarray]:
    """Vectors the last version holds for keys in ``wanted`` (every key when None), from
    ``documents``' rows. Its keys are named as that version made its vectors: a view it
    embedded as text offers text keys, so an index from before a view was pooled never
    passes off its vectors as pooled ones."""
    found: dict[Key, np.ndarray] = {}
    if previous is None:
        return found
    pooled = pooled_from_record(previous.manifest.chunking.pooled)
    for doc in documents:
        sentence_rows = previous.sentence_rows(doc.id)
        chunk_rows = previous.chunk_rows(doc.id)
        keys = view_keys(
            doc,
            [previous.chunks[r] for r in chunk_rows],
            [previous.sentences[r] for r in sentence_rows],
            pooled,
        )
        for view, view_keys_ in keys.items():
            rows = chunk_rows if view == CHUNKS else sentence_rows
            need = [
                (k, r)
                for k, r in zip(view_keys_, rows)
                if (wanted is None or k in wanted) and k not in found
            ]
            if need:
                vectors = previous.vectors(view, [r for _, r in need])
                found.update((k, v) for (k, _), v in zip(need, vectors))
    return found
