"""Add, replace and delete corpus documents, answerable (or gone) as soon as the call returns.

The corpus folder stays the source of truth: a write changes a file there, then runs the
incremental build and reloads the live index, all under the writer lock so that a
concurrent `qa index` or upload never interleaves with it. Each write is journaled
(qa.build.journal) before the corpus changes, so a writer killed half-way is settled by the
next one. Adding never replaces: a name that is taken gets DocumentExists with the id
that holds it, and replacing is its own call (``replace_file`` / ``replace_text``).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from qa.build import journal
from qa.build.build import BuildReport, build_locked
from qa.corpus.folder import (
    iter_corpus_files,
    markdown_document,
    require_folder,
    restore,
    safe_file_name,
    temporary_name,
    write_atomic,
)
from qa.corpus.loader import document_id, load_bytes
from qa.errors import (
    DocumentExists,
    DocumentNotFound,
    DocumentTooLarge,
    IndexCorrupt,
    InvalidDocument,
    NoIndex,
)
from qa.index import layout
from qa.index.live import LiveIndex
from qa.model.embedder import Embedder
from qa.models import Document, DocumentRef
from qa.settings import Settings

logger = logging.getLogger(__name__)

_MARKDOWN = (".md", ".markdown")


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

    def add_file(self, name: str, data: bytes) -> WriteResult:
        """Add the file ``name``; DocumentExists when the corpus already has that name."""
        return self._write(safe_file_name(name), data, replacing=None)

    def add_text(self, title: str, text: str, url: str | None = None) -> WriteResult:
        """Add a Markdown document made from a title, text and optional URL."""
        name, data = markdown_document(title, text, url)
        return self._write(name, data, replacing=None)

    def replace_file(self, doc_id: str, name: str, data: bytes) -> WriteResult:
        """Give document ``doc_id`` new bytes; the upload must be the same type of file."""
        suffix = PurePosixPath(safe_file_name(name)).suffix.lower() if name else ""
        rel = self._existing_path(doc_id)
        if suffix and suffix != PurePosixPath(rel).suffix.lower():
            raise InvalidDocument(
                f"document {doc_id} is {rel!r}; replace it with a {PurePosixPath(rel).suffix} "
                f"file, not {suffix}"
            )
        return self._write(rel, data, replacing=doc_id)

    def replace_text(
        self, doc_id: str, title: str, text: str, url: str | None = None
    ) -> WriteResult:
        """Give a Markdown document ``doc_id`` a new title, text and URL (same id, same file)."""
        rel = self._existing_path(doc_id)
        if PurePosixPath(rel).suffix.lower() not in _MARKDOWN:
            raise InvalidDocument(
                f"document {doc_id} is {rel!r}, not Markdown; replace it with a file upload"
            )
        _, data = markdown_document(title, text, url)
        return self._write(rel, data, replacing=doc_id)

    def delete(self, doc_id: str) -> WriteResult:
        """Remove the document's file and every trace of it from answers."""
        with layout.writer_lock(self.settings.index_dir, timeout=self.lock_timeout):
            corpus = self._corpus()
            journal.settle(self.settings.index_dir, corpus)
            indexed = self._indexed(doc_id)
            found = self._find(corpus, doc_id)
            if found is None and indexed is None:
                raise DocumentNotFound(f"no document with id {doc_id!r}")
            rel = found or indexed.path
            backup = (corpus / rel).read_bytes() if found else None
            journal.record(self.settings.index_dir, journal.PendingWrite("delete", rel, "", ""))
            (corpus / rel).unlink(missing_ok=True)
            version = self._build_and_serve(corpus / rel, backup)
        title = indexed.title if indexed else PurePosixPath(rel).stem
        source = indexed.source if indexed else rel
        return WriteResult(DocumentRef(doc_id, title, source), rel, "deleted", version)

    def recover(self) -> journal.Settled | None:
        """Settle a write a killed writer left (see qa.build.journal) and publish the outcome."""
        with layout.writer_lock(self.settings.index_dir, timeout=self.lock_timeout):
            settled = journal.settle(self.settings.index_dir, self._corpus())
            if settled is None:
                return None
            report = build_locked(self.settings, self.embedder)
            journal.clear(self.settings.index_dir)
        self.live.refresh()
        logger.warning(
            "index %s: the interrupted %s of %s is %s",
            report.version,
            settled.write.action,
            settled.write.path,
            settled.outcome,
        )
        return settled

    def _write(self, rel: str, data: bytes, replacing: str | None) -> WriteResult:
        limit = self.settings.max_upload_bytes
        if len(data) > limit:
            raise DocumentTooLarge(f"the document has {len(data)} bytes; the limit is {limit}")
        document = load_bytes(rel, data)  # type and text are checked before the corpus changes
        with layout.writer_lock(self.settings.index_dir, timeout=self.lock_timeout):
            corpus = self._corpus()
            journal.settle(self.settings.index_dir, corpus)
            target = corpus / rel
            if not target.resolve().is_relative_to(corpus.resolve()):
                raise InvalidDocument(f"file name {rel!r} leads outside the corpus folder")
            if target.is_dir():
                raise InvalidDocument(f"{rel!r} is a folder in the corpus")
            exists = target.exists() or self._indexed(document.id) is not None
            if replacing is None and exists:
                raise DocumentExists(
                    f"{rel!r} is already document {document.id}; a new document needs "
                    f"another name, or replace this one with PUT /documents/{document.id}",
                    document.id,
                )
            backup = target.read_bytes() if target.exists() else None
            tmp = temporary_name(target)
            journal.record(
                self.settings.index_dir,
                journal.PendingWrite(
                    "replace" if replacing else "add", rel, hashlib.sha256(data).hexdigest(), tmp
                ),
            )
            write_atomic(target, data)
            version = self._build_and_serve(target, backup)
            if self._indexed(document.id) is None:
                raise InvalidDocument(f"{rel} was saved but could not be indexed")
        ref = DocumentRef(document.id, document.title, document.source)
        return WriteResult(ref, rel, "replaced" if replacing else "added", version)

    def _build_and_serve(self, target: Path, backup: bytes | None) -> str:
        """Build and load the new version (lock held); on failure the file goes back."""
        try:
            report = build_locked(self.settings, self.embedder)
        except BaseException:  # the corpus goes back to what the index says
            restore(target, backup)
            journal.clear(self.settings.index_dir)
            raise
        journal.clear(self.settings.index_dir)
        return self._serve(report)

    def _existing_path(self, doc_id: str) -> str:
        found = self._find(self._corpus(), doc_id)
        indexed = self._indexed(doc_id)
        if found is None and indexed is None:
            raise DocumentNotFound(f"no document with id {doc_id!r}")
        return found or indexed.path

    def _find(self, corpus: Path, doc_id: str) -> str | None:
        for path in iter_corpus_files(corpus):
            rel = path.relative_to(corpus).as_posix()
            if document_id(rel) == doc_id:
                return rel
        return None

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
