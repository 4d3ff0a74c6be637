"""Build a new index version from the corpus folder, writing only what changed.

Unchanged documents stay in the segments that hold them. New and changed documents are
embedded into one new segment, and the documents changed or removed are recorded as
deleted in theirs, so an update writes in proportion to what changed. Vectors of texts
the last version already holds (a renamed file, the unchanged sentences of an edited one,
every sentence when only the chunking changed) are copied from it, not embedded again.
Segments are then merged as qa.index.merge decides, and the version is published
atomically.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass, field

import numpy as np

from qa.corpus.chunker import Chunker
from qa.corpus.loader import Skipped, scan_corpus
from qa.corpus.sentences import split_spans
from qa.errors import IndexTooLarge, NoIndex
from qa.index import layout, merge, store
from qa.index.embedder import Embedder
from qa.index.manifest import Chunking, Counts, Manifest, SegmentRef
from qa.index.progress import Progress
from qa.index.segment import SegmentData, write_segment
from qa.index.store import VersionReader
from qa.index.vectors import Storage
from qa.index.views import CHUNKS, VECTOR_FILES, chunk_input, sentence_views
from qa.models import Chunk, Document, Sentence
from qa.settings import Settings

logger = logging.getLogger(__name__)

EMBED_BATCH = 1024  # texts per call to the embedder: the progress bar moves this often


@dataclass(frozen=True)
class BuildReport:
    version: str
    documents: int
    chunks: int
    sentences: int
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    embedded: int = 0
    seconds: float = 0.0
    changed: bool = True
    rebuilt_reason: str = ""
    segments: int = 0  # segments the version is made of
    merged: int = 0  # segments merged into one by this build
    reused: int = 0  # vectors copied from the last version instead of embedded


def storage_of(settings: Settings) -> Storage:
    return Storage(settings.vector_storage, settings.ivf_threshold, settings.ivf_nprobe)


def build_index(
    settings: Settings,
    embedder: Embedder,
    full: bool = False,
    progress: bool = False,
    lock_timeout: float = 0.0,
    optimize: bool = False,
) -> BuildReport:
    """Bring the index in line with the corpus folder under the writer lock.

    Only new or changed files are parsed and embedded; ``full`` ignores the last version
    and embeds everything again; ``optimize`` merges all segments into one.
    """
    with layout.writer_lock(settings.index_dir, timeout=lock_timeout):
        return build_locked(settings, embedder, full, progress, optimize)


def build_locked(
    settings: Settings,
    embedder: Embedder,
    full: bool = False,
    progress: bool = False,
    optimize: bool = False,
) -> BuildReport:
    """``build_index`` for a caller already holding ``layout.writer_lock``, so that a
    corpus edit and the build that publishes it happen as one step (see qa.index.updates)."""
    started = time.perf_counter()
    layout.clean_leftovers(settings.index_dir)
    previous, reason = _previous(settings, embedder.name, full)
    bar = Progress(progress)
    try:
        return _build(settings, embedder, previous, reason, optimize, bar, started)
    finally:
        bar.close()


def _build(
    settings: Settings,
    embedder: Embedder,
    previous: VersionReader | None,
    reason: str,
    optimize: bool,
    bar: Progress,
    started: float,
) -> BuildReport:
    index_dir = settings.index_dir
    old = {d.path: d for d in previous.documents.values()} if previous else {}
    scan = scan_corpus(settings.corpus_dir, {p: d.content_hash for p, d in old.items()}, bar.file)
    new = {d.path: d for d in scan.documents}
    added = sorted(p for p in new if p not in old)
    updated = sorted(p for p in new if p in old)
    removed = sorted(set(old) - set(new) - set(scan.unchanged))
    rewrite = previous is None or previous.manifest.chunking != _chunking(settings)
    if previous and not (rewrite or added or updated or removed or optimize):
        counts = previous.manifest.counts
        return BuildReport(
            previous.version, counts.documents, counts.chunks, counts.sentences,
            unchanged=len(scan.unchanged), skipped=scan.skipped,
            seconds=time.perf_counter() - started, changed=False,
            segments=len(previous.manifest.segments),
        )  # fmt: skip
    if rewrite:  # every document into one new segment (vectors copied where texts match)
        documents = [*scan.documents, *(old[p] for p in scan.unchanged)]
        reusable = list(previous.documents.values()) if previous else []
        refs: list[SegmentRef] = []
    else:
        documents = scan.documents
        reusable = [old[p] for p in (*updated, *removed)]
        refs = _with_deleted(previous, reusable)
    storage = storage_of(settings)
    _check_memory(settings, previous if not rewrite else None, documents)
    embedded = reused = 0
    data = SegmentData([], [], [], lambda view: np.zeros((0, 0), np.float32))
    if documents:
        data, embedded, reused = _segment_data(settings, embedder, documents, previous,
                                               reusable, bar)  # fmt: skip
        bar.stage("writing")
        refs.append(SegmentRef(write_segment(index_dir, data, embedder.name, storage)))
    refs, merged = merge.merge(index_dir, refs, embedder.name, storage, settings.max_segments,
                               force=optimize)  # fmt: skip
    counts = _counts(previous if not rewrite else None, reusable, data,
                     len(documents) + (0 if rewrite else len(scan.unchanged)))  # fmt: skip
    dims = previous.manifest.dimensions if previous else embedder.dimensions
    version = layout.new_version_id()
    tmp = layout.tmp_folder(index_dir, version)
    try:
        manifest = Manifest(
            version=version, model=embedder.name, dimensions=dims,
            chunking=_chunking(settings), counts=counts,
            built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            build_seconds=round(time.perf_counter() - started, 3),
            views=VECTOR_FILES, segments=tuple(refs),
        )  # fmt: skip
        store.write_version(tmp, manifest)
        layout.publish(index_dir, tmp, version)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return BuildReport(
        version, counts.documents, counts.chunks, counts.sentences, added, updated, removed,
        len(scan.unchanged), scan.skipped, embedded, time.perf_counter() - started,
        rebuilt_reason=reason, segments=len(refs), merged=merged, reused=reused,
    )  # fmt: skip


def _check_memory(
    settings: Settings, previous: VersionReader | None, documents: list[Document]
) -> None:
    """Refuse, before anything is written, a version whose searched vectors would not fit
    in the memory allowed (a clear error instead of the machine killing the server)."""
    limit = settings.max_vector_memory_mb * 2**20 or int(0.8 * _machine_memory())
    held = previous.vector_bytes if previous else 0
    characters = sum(len(d.text) for d in documents)
    per_vector = 384 * (2 if settings.vector_storage == "fp16" else 4)
    # about one sentence per 120 characters and one chunk per chunk_size
    rows = characters / 120 + characters / max(settings.chunk_size - settings.chunk_overlap, 1)
    needed = held + int(rows * per_vector)
    if needed > limit:
        raise IndexTooLarge(
            f"the index would hold about {needed / 2**30:.1f} GB of vectors in memory, more "
            f"than the {limit / 2**30:.1f} GB allowed; set QA_VECTOR_STORAGE=fp16 (if it is "
            "fp32) or raise QA_MAX_VECTOR_MEMORY_MB, on a machine with that much memory"
        )


def _machine_memory() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _previous(settings: Settings, model: str, full: bool) -> tuple[VersionReader | None, str]:
    """The live version, when its documents and vectors may be reused."""
    folder = layout.current_folder(settings.index_dir)
    if full or folder is None:
        return None, "full rebuild requested" if full and folder else ""
    try:
        reader = VersionReader(folder, settings.ivf_nprobe)
    except NoIndex as exc:
        logger.warning("previous index unusable (%s); rebuilding everything", exc)
        return None, f"previous index unusable: {exc}"
    if reader.manifest.model != model:
        msg = f"index was built with {reader.manifest.model!r}, settings say {model!r}"
        logger.warning("%s; rebuilding with the configured model", msg)
        return None, msg
    return reader, ""


def _with_deleted(previous: VersionReader, gone: list[Document]) -> list[SegmentRef]:
    """The last version's segments, with ``gone`` recorded as deleted where they live."""
    by_segment: dict[str, list[str]] = {}
    for document in gone:
        by_segment.setdefault(previous.home(document.id), []).append(document.id)
    return [
        SegmentRef(ref.id, (*ref.deleted, *sorted(by_segment.get(ref.id, ()))))
        for ref in previous.manifest.segments
    ]


def _counts(
    previous: VersionReader | None, gone: list[Document], data: SegmentData, documents: int
) -> Counts:
    chunks, sentences = len(data.chunks), len(data.sentences)
    if previous is not None:
        chunks += previous.manifest.counts.chunks
        sentences += previous.manifest.counts.sentences
        for document in gone:
            chunks -= len(previous.chunk_rows(document.id))
            sentences -= len(previous.sentence_rows(document.id))
    return Counts(documents, chunks, sentences)


def split_document(document: Document, chunker: Chunker) -> tuple[list[Chunk], list[Sentence]]:
    chunks = chunker.split(document)
    sentences = [
        Sentence(document.id, s, e, document.text[s:e]) for s, e in split_spans(document.text)
    ]
    return chunks, sentences


def _segment_data(
    settings: Settings,
    embedder: Embedder,
    documents: list[Document],
    previous: VersionReader | None,
    reusable: list[Document],
    bar: Progress,
) -> tuple[SegmentData, int, int]:
    """Spans and vectors of ``documents``; returns the data, texts embedded, vectors copied."""
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    chunks: list[Chunk] = []
    sentences: list[Sentence] = []
    inputs: dict[str, list[str]] = {name: [] for name in VECTOR_FILES}
    for doc in documents:
        doc_chunks, doc_sentences = split_document(doc, chunker)
        chunks += doc_chunks
        sentences += doc_sentences
        inputs[CHUNKS] += [chunk_input(doc, c) for c in doc_chunks]
        for name, texts in sentence_views(doc, doc_sentences).items():
            inputs[name] += texts
    unique = list(dict.fromkeys(t for texts in inputs.values() for t in texts))
    known = _known_vectors(previous, reusable, set(unique))
    missing = [t for t in unique if t not in known]
    vectors = _embed(embedder, missing, bar)
    table: dict[str, np.ndarray] = {**known, **dict(zip(missing, vectors))}
    dims = len(next(iter(table.values()))) if table else embedder.dimensions

    def view_vectors(view: str) -> np.ndarray:
        rows = [table[t] for t in inputs[view]]
        return np.stack(rows).astype(np.float32) if rows else np.zeros((0, dims), np.float32)

    data = SegmentData(documents, chunks, sentences, view_vectors)
    return data, len(missing), len([t for t in unique if t in known])


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


def _known_vectors(
    previous: VersionReader | None, documents: list[Document], wanted: set[str]
) -> dict[str, np.ndarray]:
    """Vectors the last version holds for texts in ``wanted``, from ``documents``' rows."""
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
            need = [(t, r) for t, r in zip(texts, rows) if t in wanted and t not in found]
            if need:
                vectors = previous.vectors(view, [r for _, r in need])
                found.update((t, v) for (t, _), v in zip(need, vectors))
    return found


def _chunking(settings: Settings) -> Chunking:
    return Chunking(settings.chunk_size, settings.chunk_overlap)
