"""Parse documents: .txt, .md, .html and .pdf bytes into Documents (title, source, text)."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qa.corpus.folder import SUPPORTED_SUFFIXES, corpus_entries, is_url, read_front_matter
from qa.corpus.htmltext import html_to_text
from qa.errors import DocumentTooLarge, InvalidDocument
from qa.models import Document

logger = logging.getLogger(__name__)

_MD_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
_MAX_TITLE_LINE = 200
MAX_PDF_TEXT_CHARS = 20_000_000


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
    """Parse one file's bytes into a Document; raises InvalidDocument when unusable."""
    suffix = Path(relative_path).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InvalidDocument(
            f"unsupported file type {suffix or '(none)'!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    pages: tuple[tuple[int, int], ...] = ()
    source = relative_path
    if suffix == ".pdf":
        text, pages = _pdf_text(data)
        title = ""
    else:
        raw = _decode(data)
        if suffix in (".html", ".htm"):
            text, title = html_to_text(raw)
        elif suffix in (".md", ".markdown"):
            text, title, url = _markdown(raw)
            source = url or source
        else:
            text, title = raw, _text_title(raw)
    text = text.replace("\r\n", "\n")
    if not text.strip():
        raise InvalidDocument("no text could be extracted")
    return Document(
        id=document_id(relative_path),
        title=title or Path(relative_path).stem,
        source=source,
        path=relative_path,
        text=text,
        content_hash=content_hash(data),
        pages=pages,
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidDocument(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _text_title(text: str) -> str:
    """A text file's first line is its title when short and followed by a blank line."""
    lines = text.lstrip("\ufeff").split("\n", 2)
    if len(lines) >= 2 and lines[1].strip() == "" and 0 < len(lines[0].strip()) <= _MAX_TITLE_LINE:
        return lines[0].strip()
    return ""


def _markdown(raw: str) -> tuple[str, str, str]:
    """Markdown keeps its text (front matter removed); title from `title:` or the first `#`."""
    meta, raw = read_front_matter(raw)
    heading = _MD_HEADING.search(raw)
    title = meta.get("title") or (heading.group(1).strip() if heading else "")
    url = meta.get("url") or meta.get("source") or ""
    if url and not is_url(url):
        url = ""
    return raw, title, url


def _pdf_text(data: bytes) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Text per page. pypdf stops a stream that inflates past its limit (a PDF bomb);
    that, and text beyond MAX_PDF_TEXT_CHARS, is DocumentTooLarge; any other failure of
    the parser on hostile bytes is an unreadable PDF, never an unexpected error."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    try:
        reader = PdfReader(io.BytesIO(data))
        parts, pages, offset = [], [], 0
        for number, page in enumerate(reader.pages, start=1):
            text = (page.extract_text() or "").strip()
            pages.append((number, offset))
            parts.append(text)
            offset += len(text) + 2
            if offset > MAX_PDF_TEXT_CHARS:
                raise DocumentTooLarge(
                    f"the PDF holds more than {MAX_PDF_TEXT_CHARS:,} characters of text "
                    f"(by page {number}); split it into smaller files"
                )
    except LimitReachedError as exc:
        raise DocumentTooLarge(
            f"the PDF's compressed content expands beyond the reader's limit ({exc}); "
            "it is refused as a likely decompression bomb"
        ) from exc
    except DocumentTooLarge:
        raise
    except Exception as exc:  # pypdf on hostile input can raise anything (RecursionError too)
        raise InvalidDocument(f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
    return "\n\n".join(parts), tuple(pages)
