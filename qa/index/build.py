"""Build a new index version from the corpus folder, reusing whatever did not change."""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from qa.corpus.chunker import Chunker
from qa.corpus.loader import Skipped, load_corpus
from qa.corpus.sentences import split_spans
from qa.errors import NoIndex
from qa.index import layout, store
from qa.index.cache import EmbeddingCache
from qa.index.embedder import Embedder
from qa.index.manifest import Chunking, Counts, Manifest
from qa.index.views import CHUNKS, VECTOR_FILES, chunk_input, sentence_views
from qa.models import Chunk, Document, Sentence
from qa.settings import Settings

logger = logging.getLogger(__name__)


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
    pruned: int = 0  # cached vectors dropped because no text of the new version uses them


def build_index(
    settings: Settings,
    embedder: Embedder,
    full: bool = False,
    progress: bool = False,
    lock_timeout: float = 0.0,
) -> BuildReport:
    """Bring the index in line with the corpus folder under the writer lock.

    Only new or changed files are parsed and only unseen text is embedded; ``full``
    ignores both caches. The new version is published atomically.
    """
    with layout.writer_lock(settings.index_dir, timeout=lock_timeout):
        return build_locked(settings, embedder, full, progress)


def build_locked(
    settings: Settings, embedder: Embedder, full: bool = False, progress: bool = False
) -> BuildReport:
    """``build_index`` for a caller already holding ``layout.writer_lock``, so that a
    corpus edit and the build that publishes it happen as one step (see qa.index.updates)."""
    started = time.perf_counter()
    index_dir = settings.index_dir
    layout.clean_leftovers(index_dir)
    previous, reason = _previous(index_dir, embedder.name, full)
    documents, skipped = load_corpus(settings.corpus_dir, previous.values())
    old = {d.path: d for d in previous.values()}
    new = {d.path: d for d in documents}
    added = sorted(p for p in new if p not in old)
    updated = sorted(p for p in new if p in old and old[p].content_hash != new[p].content_hash)
    removed = sorted(p for p in old if p not in new)
    unchanged = len(new) - len(added) - len(updated)
    current = layout.current_version(index_dir)
    if current and not (added or updated or removed or reason):
        manifest = store.read_manifest(layout.versions_dir(index_dir) / current)
        if manifest.chunking == _chunking(settings):
            return BuildReport(
                current, len(documents), manifest.counts.chunks,
                manifest.counts.sentences, unchanged=unchanged, skipped=skipped,
                seconds=time.perf_counter() - started, changed=False,
            )  # fmt: skip
    cache = EmbeddingCache(index_dir / "embeddings.sqlite", embedder.name, refresh=full)
    try:
        data, embedded = _embed(settings, embedder, cache, documents, progress)
        version = layout.new_version_id()
        tmp = layout.tmp_folder(index_dir, version)
        try:
            seconds = time.perf_counter() - started
            store.write_version(tmp, data, _manifest(settings, embedder, version, data, seconds))
            layout.publish(index_dir, tmp, version)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        pruned = cache.prune()  # only once published: a failed build keeps every vector
    finally:
        cache.close()
    return BuildReport(
        version, len(documents), len(data.chunks), len(data.sentences), added, updated,
        removed, unchanged, skipped, embedded, time.perf_counter() - started,
        rebuilt_reason=reason, pruned=pruned,
    )  # fmt: skip


def _previous(index_dir: Path, model: str, full: bool) -> tuple[dict[str, Document], str]:
    """Documents of the live version by id, when they may be reused."""
    folder = layout.current_folder(index_dir)
    if full or folder is None:
        return {}, "full rebuild requested" if full and folder else ""
    try:
        reader = store.VersionReader(folder)
    except NoIndex as exc:
        logger.warning("previous index unusable (%s); rebuilding everything", exc)
        return {}, f"previous index unusable: {exc}"
    if reader.manifest.model != model:
        msg = f"index was built with {reader.manifest.model!r}, settings say {model!r}"
        logger.warning("%s; rebuilding with the configured model", msg)
        return {}, msg
    return reader.documents, ""


def split_document(document: Document, chunker: Chunker) -> tuple[list[Chunk], list[Sentence]]:
    chunks = chunker.split(document)
    sentences = [
        Sentence(document.id, s, e, document.text[s:e]) for s, e in split_spans(document.text)
    ]
    return chunks, sentences


def _embed(
    settings: Settings,
    embedder: Embedder,
    cache: EmbeddingCache,
    documents: list[Document],
    progress: bool,
) -> tuple[store.IndexData, int]:
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
    vectors, embedded = {}, 0
    for name, texts in inputs.items():
        vectors[name], count = cache.embed(
            texts, lambda t: embedder.embed(t, progress=progress), embedder.dimensions
        )
        embedded += count
        if progress and count:
            logger.info("embedded %d %s", count, name)
    return store.IndexData(documents, chunks, sentences, vectors), embedded


def _chunking(settings: Settings) -> Chunking:
    return Chunking(settings.chunk_size, settings.chunk_overlap)


def _manifest(
    settings: Settings, embedder: Embedder, version: str, data: store.IndexData, seconds: float
) -> Manifest:
    return Manifest(
        version=version,
        model=embedder.name,
        dimensions=embedder.dimensions,
        chunking=_chunking(settings),
        counts=Counts(len(data.documents), len(data.chunks), len(data.sentences)),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        build_seconds=round(seconds, 3),
    )
