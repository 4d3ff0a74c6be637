"""The corpus folder's rules: which files count, safe names inside it, Markdown front
matter, what counts as a URL, and writes readers never see half done.

The loader, the build, the watcher, document uploads and the Slack links all ask here,
so a rule (hidden files are not documents, say) changes in one place.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from qa.errors import CorpusNotFound, InvalidDocument

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
_MAX_NAME = 255
_MAX_PATH = 1024
_URL = re.compile(r"https?://\S+\Z", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n", re.S)


def is_url(source: str) -> bool:
    """One http(s) address: a citation link. Any other source is a file path."""
    return bool(_URL.match(source))


def is_hidden(relative: Path | PurePosixPath) -> bool:
    """Any part starting with '.' (editor swap files, .git, upload temporaries)."""
    return any(part.startswith(".") for part in relative.parts)


def is_indexable(relative: Path | PurePosixPath) -> bool:
    """A file the build reads: a supported type, nothing hidden."""
    return relative.suffix.lower() in SUPPORTED_SUFFIXES and not is_hidden(relative)


def require_folder(corpus: Path) -> Path:
    """``corpus`` if it is a folder; CorpusNotFound naming it otherwise."""
    if not corpus.is_dir():
        raise CorpusNotFound(f"corpus folder not found: {corpus}")
    return corpus


def iter_corpus_files(corpus: Path) -> Iterator[Path]:
    """Supported files below ``corpus``, recursively, in a stable order; hidden ones skipped."""
    require_folder(corpus)
    for path in sorted(corpus.rglob("*")):
        if path.is_file() and is_indexable(path.relative_to(corpus)):
            yield path


def safe_relative_path(name: str) -> str:
    """A client-supplied file name as a path inside the corpus, or InvalidDocument saying why."""
    if "\x00" in name:
        raise InvalidDocument(f"file name {name!r} contains a NUL byte")
    if not name.strip():
        raise InvalidDocument("the file name is empty")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise InvalidDocument(f"file name {name!r} contains control characters")
    if "\\" in name:
        raise InvalidDocument(f"file name {name!r} contains '\\'; use '/' between folders")
    path = PurePosixPath(name)
    if path.is_absolute() or re.match(r"[A-Za-z]:", name):
        raise InvalidDocument(f"file name {name!r} is absolute; give a path inside the corpus")
    if ".." in path.parts:
        raise InvalidDocument(f"file name {name!r} contains '..'; it must stay inside the corpus")
    if is_hidden(path):
        raise InvalidDocument(f"file name {name!r} is hidden (starts with '.'); it is not indexed")
    if len(name) > _MAX_PATH or any(len(part) > _MAX_NAME for part in path.parts):
        raise InvalidDocument(f"file name is too long ({len(name)} characters)")
    return path.as_posix()


def read_front_matter(raw: str) -> tuple[dict[str, str], str]:
    """A Markdown file's ``key: value`` front matter (keys lowercased) and its text with
    the front matter blanked, not cut, so offsets stay those of the file."""
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(raw)
    if not match:
        return meta, raw
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, re.sub(r"[^\n]", " ", match.group(0)) + raw[match.end() :]


def markdown_document(title: str, text: str, url: str | None = None) -> tuple[str, bytes]:
    """A titled text as (file name, Markdown with `title:`/`url:` front matter)."""
    title = " ".join(title.split())
    if not title:
        raise InvalidDocument("the title is empty")
    if not text.strip():
        raise InvalidDocument("the text is empty")
    if url and not is_url(url):
        raise InvalidDocument(f"url must be a single http:// or https:// address, got {url!r}")
    slug = re.sub(r"[\W_]+", "-", title.lower()).strip("-")[:80].strip("-") or "document"
    meta = f"title: {title}\n" + (f"url: {url}\n" if url else "")
    return f"{slug}.md", f"---\n{meta}---\n\n{text.strip()}\n".encode()


def write_atomic(target: Path, data: bytes) -> None:
    """Readers (a `qa watch`, a concurrent `qa index`) never see a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def restore(target: Path, backup: bytes | None) -> None:
    """Put back what ``target`` held (``None``: it did not exist)."""
    if backup is None:
        target.unlink(missing_ok=True)
    else:
        write_atomic(target, backup)
