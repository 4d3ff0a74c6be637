"""Read the corpus: each file's bytes parsed (by the parser its type names in
qa.corpus.formats) into a Document (title, source, text, pages, sections, code)."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qa.corpus.folder import corpus_entries
from qa.corpus.formats import format_for
from qa.errors import InvalidDocument
from qa.models import Document

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Skipped:
    """A file that could not be loaded, with the reason."""

    path: str
    reason: str


def _nothing() -> None:
    return None


def document_id(relative_path: str) -> str:
    """A stable id from the path relative to the corpus (same file, same id)."""
    return hashlib.sha1(relative_path.encode("utf-8")).hexdigest()[:16]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Scan:
    """The corpus folder against what the index knows: files parsed because they are new or
    changed, files left alone because their bytes are unchanged, files that failed."""

    documents: list[Document]
    unchanged: list[str]  # relative paths
    skipped: list[Skipped]
    changed: list[str] = field(default_factory=list)  # relative paths of new or changed files


class _HashMemo:
    """Content hashes of files this process has read, by path, size and modification time,
    so a process that builds again and again (a server taking uploads) reads only the files
    that changed. Like git's index, a file modified within a second of being hashed is
    never trusted to the memo: a write in the same clock tick could keep its time."""

    RACY_NS = 1_000_000_000

    def __init__(self) -> None:
        self._memo: dict[str, tuple[int, int, int, str]] = {}
        self._lock = threading.Lock()

    def get(self, path: str, stat: os.stat_result) -> str | None:
        with self._lock:
            found = self._memo.get(path)
        if found and found[:2] == (stat.st_size, stat.st_mtime_ns):
            return found[3] if stat.st_mtime_ns < found[2] - self.RACY_NS else None
        return None

    def put(self, path: str, stat: os.stat_result, digest: str) -> None:
        with self._lock:
            self._memo[path] = (stat.st_size, stat.st_mtime_ns, time.time_ns(), digest)


_hashes = _HashMemo()


def scan_corpus(
    corpus: Path,
    known: Mapping[str, str] | None = None,
    on_file: Callable[[], None] = _nothing,
    parse: bool = True,
) -> Scan:
    """Parse every supported file whose bytes differ from ``known`` (relative path ->
    content hash); unreadable or empty files are reported, not fatal. ``parse=False`` only
    lists the new or changed files, for a build that parses them elsewhere (``load_file``)."""
    known = known or {}
    documents, unchanged, skipped, changed = [], [], [], []
    for rel, entry in corpus_entries(corpus):
        try:
            stat = entry.stat()
            if rel in known and _hashes.get(entry.path, stat) == known[rel]:
                unchanged.append(rel)
                on_file()
                continue
            with open(entry.path, "rb") as fh:
                data = fh.read()
            digest = content_hash(data)
            _hashes.put(entry.path, stat, digest)
            if known.get(rel) == digest:
                unchanged.append(rel)
            else:
                changed.append(rel)
                if parse:
                    documents.append(load_bytes(rel, data))
        except Exception as exc:  # one bad file never aborts the build
            skipped.append(_skipped(rel, exc))
        on_file()
    return Scan(documents, unchanged, skipped, changed)


def load_file(corpus: Path, relative_path: str) -> Document | Skipped:
    """One corpus file parsed, or the reason it cannot be (never raises for a bad file)."""
    try:
        return load_bytes(relative_path, (corpus / relative_path).read_bytes())
    except Exception as exc:
        return _skipped(relative_path, exc)


def _skipped(relative_path: str, exc: Exception) -> Skipped:
    logger.warning("skipped %s: %s", relative_path, exc)
    return Skipped(relative_path, str(exc) or type(exc).__name__)


def load_corpus(corpus: Path) -> tuple[list[Document], list[Skipped]]:
    """Load every supported document; unreadable or empty files are reported, not fatal."""
    scan = scan_corpus(corpus)
    return scan.documents, scan.skipped


def load_bytes(relative_path: str, data: bytes) -> Document:
    """Parse one file's bytes into a Document with the parser its suffix names in the
    registry (qa.corpus.formats); raises InvalidDocument when unusable."""
    parsed = format_for(Path(relative_path).suffix.lower()).parse(data)
    if not parsed.text.strip():
        raise InvalidDocument("no text could be extracted")
    return Document(
        id=document_id(relative_path),
        title=parsed.title or Path(relative_path).stem,
        source=parsed.source_url or relative_path,
        path=relative_path,
        text=parsed.text,
        content_hash=content_hash(data),
        pages=parsed.pages,
        sections=parsed.sections,
        code=parsed.code,
    )
