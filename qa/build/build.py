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
from typing import Protocol

from qa.build.contents import known_vectors, segment_data, split_documents
from qa.build.progress import Progress
from qa.corpus.loader import Scan, Skipped, scan_corpus
from qa.errors import IndexTooLarge, NoIndex
from qa.index import layout, merge, store
from qa.index.lexical import ANALYSIS
from qa.index.manifest import Chunking, Counts, Manifest, SegmentRef
from qa.index.segment import write_segment
from qa.index.store import VersionReader
from qa.index.vectors import Storage
from qa.index.views import VECTOR_FILES, pooled_record
from qa.model.embedder import Embedder
from qa.models import Document
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
    corpus edit and the build that publishes it happen as one step (see qa.build.updates)."""
    bar = Progress(progress)
    try:
        return run_build(settings, LocalWriter(settings, embedder), full, optimize, bar)
    finally:
        bar.close()


class SegmentWriter(Protocol):
    """Where a build parses, splits and embeds its new and changed files into segments:
    in this process (``LocalWriter``) or on Ray (qa.build.distributed)."""

    model: str  # the embedder's name, which the version records
    parses: bool  # True: the corpus scan parses the changed files here, before ``write``

    def write(self, scan: Scan, plan: Plan, bar: Progress) -> Written:
        """The new segments for the scan's new and changed files and the plan's carried
        documents (none at all when there are none)."""
        ...

    def dimensions(self, written: Written) -> int:
        """The model's dimensions, for a first version (no last version to read them from)."""
        ...


def run_build(
    settings: Settings, writer: SegmentWriter, full: bool, optimize: bool, bar: Progress
) -> BuildReport:
    """The one build sequence, local or on Ray; the caller holds the writer lock.

    Plan from the last version and the corpus scan, write the new segments, then publish
    a version listing them beside the kept ones, unless the live version already holds
    the corpus as it is."""
    started = time.perf_counter()
    layout.clean_leftovers(settings.index_dir)
    previous, reason = previous_version(settings, writer.model, full)
    scan = scan_corpus(settings.corpus_dir, known_hashes(previous), bar.file, writer.parses)
    plan = plan_build(settings, previous, reason, scan.unchanged)
    written = writer.write(scan, plan, bar)
    changes = plan.changes(list(written.parsed))
    skipped = [*scan.skipped, *written.skipped]
    if up_to_date(plan, changes, optimize):
        return _unchanged_report(plan, skipped, started)
    dims = previous.manifest.dimensions if previous else writer.dimensions(written)
    # from the rows really written: a distributed build's driver estimates nothing
    check_memory(settings, plan.kept, written.chunks + written.sentences, dims)
    draft = Draft(plan, written, changes, skipped, writer.model, dims)
    return _publish(settings, draft, optimize, started)


class LocalWriter:
    """Embeds and writes one segment in this process, with the build's progress bar."""

    parses = True

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self.model = embedder.name

    def write(self, scan: Scan, plan: Plan, bar: Progress) -> Written:
        parsed = tuple(d.path for d in scan.documents)
        documents = [*scan.documents, *plan.carried]
        if not documents:
            return Written(parsed=parsed)
        # before embedding, from an estimate: a corpus too large fails at once
        dims = plan.previous.manifest.dimensions if plan.previous else self.embedder.dimensions
        check_memory(self.settings, plan.kept, estimated_rows(self.settings, documents), dims)
        splits = split_documents(self.settings, documents)
        data, embedded, reused = segment_data(
            self.embedder,
            splits,
            lambda wanted: known_vectors(plan.previous, plan.reusable, wanted),
            bar,
        )
        bar.stage("writing")
        storage = storage_of(self.settings)
        segment = write_segment(self.settings.index_dir, data, self.embedder.name, storage)
        return Written(
            refs=(SegmentRef(segment),),
            documents=len(documents),
            chunks=len(data.chunks),
            sentences=len(data.sentences),
            embedded=embedded,
            reused=reused,
            parsed=parsed,
        )

    def dimensions(self, written: Written) -> int:
        return self.embedder.dimensions


@dataclass(frozen=True)
class Plan:
    """What a build starts from, decided before any new or changed file is parsed; the
    local build and the distributed one (qa.build.distributed) share it."""

    previous: VersionReader | None  # the live version, when its documents may be reused
    reason: str  # why everything is rebuilt, when it is
    rewrite: bool  # every document into new segments: no usable version, or new chunking
    old: dict[str, Document]  # the last version's documents by path
    carried: list[Document]  # unchanged documents written again (a rewrite only)
    reusable: list[Document]  # the last version's documents whose vectors may be copied
    refs: list[SegmentRef]  # the last version's segments kept, with their deletions
    unchanged: list[str]  # the corpus files (relative paths) that need no parsing

    @property
    def kept(self) -> VersionReader | None:
        """The version whose segments and counts the new one builds on."""
        return None if self.rewrite else self.previous

    @property
    def kept_documents(self) -> int:
        """Documents the new version keeps in the last version's segments."""
        return 0 if self.rewrite else len(self.unchanged)

    def changes(self, parsed: list[str]) -> Changes:
        """Paths added, updated and removed, once the new or changed files are parsed."""
        new = set(parsed)
        return Changes(
            added=sorted(p for p in new if p not in self.old),
            updated=sorted(p for p in new if p in self.old),
            removed=sorted(set(self.old) - new - set(self.unchanged)),
        )


@dataclass(frozen=True)
class Changes:
    added: list[str]
    updated: list[str]
    removed: list[str]


@dataclass(frozen=True)
class Written:
    """The new segments a build wrote and what went into them."""

    refs: tuple[SegmentRef, ...] = ()
    documents: int = 0
    chunks: int = 0
    sentences: int = 0
    embedded: int = 0  # texts embedded
    reused: int = 0  # vectors copied from the last version
    parsed: tuple[str, ...] = ()  # the new and changed files parsed (relative paths)
    skipped: tuple[Skipped, ...] = ()  # changed files that could not be parsed where written


@dataclass(frozen=True)
class Draft:
    """A version ready to publish: the plan it keeps from, what was written for it and
    what changed, and the model (name and dimensions) the vectors come from."""

    plan: Plan
    written: Written
    changes: Changes
    skipped: list[Skipped]
    model: str
    dimensions: int


def known_hashes(previous: VersionReader | None) -> dict[str, str]:
    """Relative path -> content hash of the documents the live version holds."""
    return {d.path: d.content_hash for d in previous.documents.values()} if previous else {}


def plan_build(
    settings: Settings, previous: VersionReader | None, reason: str, unchanged: list[str]
) -> Plan:
    """The plan for a corpus whose ``unchanged`` files (relative paths) need no parsing."""
    old = {d.path: d for d in previous.documents.values()} if previous else {}
    rewrite = previous is None or previous.manifest.chunking != chunking_of(settings)
    if rewrite:  # every document into new segments (vectors copied where texts match)
        reusable = list(previous.documents.values()) if previous else []
        carried = [old[p] for p in unchanged]
        return Plan(previous, reason, True, old, carried, reusable, [], unchanged)
    # updated, removed and failed files: their vectors may serve their new text
    keep = set(unchanged)
    reusable = [old[p] for p in sorted(old) if p not in keep]
    refs = _with_deleted(previous, reusable)
    return Plan(previous, reason, False, old, [], reusable, refs, unchanged)


def up_to_date(plan: Plan, changes: Changes, optimize: bool) -> bool:
    """True when the live version already reflects the corpus: nothing is published."""
    changed = changes.added or changes.updated or changes.removed
    return plan.previous is not None and not (plan.rewrite or changed or optimize)


def _unchanged_report(plan: Plan, skipped: list[Skipped], started: float) -> BuildReport:
    assert plan.previous is not None
    counts = plan.previous.manifest.counts
    return BuildReport(
        plan.previous.version,
        counts.documents,
        counts.chunks,
        counts.sentences,
        unchanged=len(plan.unchanged),
        skipped=skipped,
        seconds=time.perf_counter() - started,
        changed=False,
        segments=len(plan.previous.manifest.segments),
    )


def _publish(settings: Settings, draft: Draft, optimize: bool, started: float) -> BuildReport:
    """List the kept and the new segments in a version, merge as qa.index.merge decides
    (every segment into one with ``optimize``), and publish it atomically."""
    index_dir = settings.index_dir
    plan, written = draft.plan, draft.written
    refs, merged = merge.merge(
        index_dir,
        [*plan.refs, *written.refs],
        draft.model,
        storage_of(settings),
        settings.max_segments,
        force=optimize,
    )
    documents = written.documents + plan.kept_documents
    counts = _counts(plan.kept, plan.reusable, written, documents)
    version = layout.new_version_id()
    tmp = layout.tmp_folder(index_dir, version)
    try:
        manifest = Manifest(
            version=version,
            model=draft.model,
            dimensions=draft.dimensions,
            chunking=chunking_of(settings),
            counts=counts,
            built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            build_seconds=round(time.perf_counter() - started, 3),
            views=VECTOR_FILES,
            segments=tuple(refs),
        )
        store.write_version(tmp, manifest)
        layout.publish(index_dir, tmp, version)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    changes = draft.changes
    return BuildReport(
        version,
        counts.documents,
        counts.chunks,
        counts.sentences,
        changes.added,
        changes.updated,
        changes.removed,
        len(plan.unchanged),
        draft.skipped,
        written.embedded,
        time.perf_counter() - started,
        rebuilt_reason=plan.reason,
        segments=len(refs),
        merged=merged,
        reused=written.reused,
    )


def estimated_rows(settings: Settings, documents: list[Document]) -> int:
    """Chunks and sentences ``documents`` will make, before they are split: about one
    sentence per 120 characters and one chunk per chunk_size."""
    characters = sum(len(d.text) for d in documents)
    step = max(settings.chunk_size - settings.chunk_overlap, 1)
    return int(characters / 120 + characters / step)


def check_memory(
    settings: Settings, kept: VersionReader | None, rows: int, dimensions: int
) -> None:
    """Refuse, before a version is published, one whose searched vectors (``rows`` new
    chunks and sentences of ``dimensions`` each, besides what ``kept`` holds) would not
    fit in the memory allowed (a clear error instead of the machine killing the server)."""
    limit = settings.max_vector_memory_mb * 2**20 or int(0.8 * _machine_memory())
    held = kept.vector_bytes if kept else 0
    per_vector = dimensions * (2 if settings.vector_storage == "fp16" else 4)
    needed = held + rows * per_vector
    if needed > limit:
        raise IndexTooLarge(
            f"the index would hold about {needed / 2**30:.1f} GB of vectors in memory, more "
            f"than the {limit / 2**30:.1f} GB allowed; set QA_VECTOR_STORAGE=fp16 (if it is "
            "fp32) or raise QA_MAX_VECTOR_MEMORY_MB, on a machine with that much memory"
        )


def _machine_memory() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def previous_version(
    settings: Settings, model: str, full: bool
) -> tuple[VersionReader | None, str]:
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
    kept: VersionReader | None, gone: list[Document], written: Written, documents: int
) -> Counts:
    chunks, sentences = written.chunks, written.sentences
    if kept is not None:
        chunks += kept.manifest.counts.chunks
        sentences += kept.manifest.counts.sentences
        for document in gone:
            chunks -= len(kept.chunk_rows(document.id))
            sentences -= len(kept.sentence_rows(document.id))
    return Counts(documents, chunks, sentences)


def chunking_of(settings: Settings) -> Chunking:
    return Chunking(settings.chunk_size, settings.chunk_overlap, pooled_record(), ANALYSIS)
