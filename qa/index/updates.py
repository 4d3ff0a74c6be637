"""Add, replace and delete corpus documents, answerable (or gone) as soon as the call returns.

The corpus folder stays the source of truth: a write changes a file there, then runs the
incremental build and reloads the live index, all under the writer lock so that a
concurrent `qa index` or upload never interleaves with it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from qa.corpus.folder import (
    iter_corpus_files,
    markdown_document,
    require_folder,
    restore,
    safe_relative_path,
    write_atomic,
)
from qa.corpus.loader import document_id, load_bytes
from qa.errors import DocumentNotFound, IndexCorrupt, InvalidDocument, NoIndex
from qa.index import layout
from qa.index.build import BuildReport, build_locked
from qa.index.embedder import Embedder
from qa.index.live import LiveIndex
from qa.models import Document, DocumentRef
from qa.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WriteResult:
    """What a write did: the document it touched and the index version that reflects it."""

    document: DocumentRef
    path: str
    action: str  # "added", "replaced" or "deleted"
    index_version: str


class DocumentWriter:
    """Writes through the corpus folder; thread-safe (the writer lock serialises writes)."""

    def __init__(self, settings: Settings, embedder: Embedder, live: LiveIndex) -> None:
        self.settings = settings
        self.embedder = embedder
        self.live = live
        self.lock_timeout = settings.write_lock_wait

    def put_file(self, name: str, data: bytes) -> WriteResult:
        """Add or replace the file ``name`` (a path relative to the corpus)."""
        return self._put(safe_relative_path(name), data)

    def put_text(self, title: str, text: str, url: str | None = None) -> WriteResult:
        """Add or replace a Markdown document made from a title, text and optional URL."""
        name, data = markdown_document(title, text, url)
        return self._put(name, data)

    def delete(self, doc_id: str) -> WriteResult:
        """Remove the document's file and every trace of it from answers."""
        with layout.writer_lock(self.settings.index_dir, timeout=self.lock_timeout):
            corpus = self._corpus()
            indexed = self._indexed(doc_id)
            found = next((p for p in iter_corpus_files(corpus) if _id(corpus, p) == doc_id), None)
            if found is None and indexed is None:
                raise DocumentNotFound(f"no document with id {doc_id!r}")
            rel = found.relative_to(corpus).as_posix() if found else indexed.path
            backup = found.read_bytes() if found else None
            (corpus / rel).unlink(missing_ok=True)
            try:
                report = build_locked(self.settings, self.embedder)
            except BaseException:  # the corpus goes back to what the index says
                restore(corpus / rel, backup)
                raise
            version = self._serve(report)
        title = indexed.title if indexed else PurePosixPath(rel).stem
        source = indexed.source if indexed else rel
        return WriteResult(DocumentRef(doc_id, title, source), rel, "deleted", version)

    def _put(self, rel: str, data: bytes) -> WriteResult:
        if len(data) > self.settings.max_upload_bytes:
            raise InvalidDocument(
                f"the document has {len(data)} bytes; the limit is {self.settings.max_upload_bytes}"
            )
        document = load_bytes(rel, data)  # type and text are checked before the corpus changes
        with layout.writer_lock(self.settings.index_dir, timeout=self.lock_timeout):
            corpus = self._corpus()
            target = corpus / rel
            if not target.resolve().is_relative_to(corpus.resolve()):
                raise InvalidDocument(f"file name {rel!r} leads outside the corpus folder")
            if target.is_dir():
                raise InvalidDocument(f"{rel!r} is a folder in the corpus")
            backup = target.read_bytes() if target.exists() else None
            write_atomic(target, data)
            try:
                report = build_locked(self.settings, self.embedder)
            except BaseException:  # the corpus goes back to what the index says
                restore(target, backup)
                raise
            version = self._serve(report)
            if self._indexed(document.id) is None:
                reason = next((s.reason for s in report.skipped if s.path == rel), "unknown")
                raise InvalidDocument(f"{rel} was saved but could not be indexed: {reason}")
        ref = DocumentRef(document.id, document.title, document.source)
        return WriteResult(ref, rel, "added" if backup is None else "replaced", version)

    def _corpus(self) -> Path:
        return require_folder(self.settings.corpus_dir)

    def _indexed(self, doc_id: str) -> Document | None:
        try:
            return self.live.current().documents.get(doc_id)
        except NoIndex:
            return None

    def _serve(self, report: BuildReport) -> str:
        """Load the version just built (the caller still holds the lock) before returning."""
        self.live.refresh()
        if self.live.version != report.version:
            raise IndexCorrupt(self.live.problem or f"index {report.version} was not loaded")
        logger.info("index %s now serves the change", report.version)
        return report.version


def _id(corpus: Path, path: Path) -> str:
    return document_id(path.relative_to(corpus).as_posix())
