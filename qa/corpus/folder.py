"""The corpus folder's rules: which files count, safe names inside it, Markdown front
matter, what counts as a URL, and writes readers never see half done.

The loader, the build, the watcher, document uploads and the Slack links all ask here,
so a rule (hidden files are not documents, say) changes in one place.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from qa.corpus.formats import SUPPORTED_SUFFIXES
from qa.errors import CorpusNotFound, InvalidDocument

# Upload names: bytes of UTF-8, leaving room under the filesystem's 255 for the
# temporary name a write goes through (".NAME.PID.tmp").
MAX_NAME_BYTES = 200
# Control, format (includes U+202E RIGHT-TO-LEFT OVERRIDE and the other bidi controls),
# surrogate, private-use and unassigned code points, and line/paragraph separators.
_REFUSED = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
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
    for relative, _ in corpus_entries(corpus):
        yield corpus / relative


def corpus_entries(corpus: Path) -> list[tuple[str, os.DirEntry]]:
    """(relative POSIX path, directory entry) of each supported file below ``corpus``, in
    path order; hidden files and folders skipped. One directory listing per folder, so a
    corpus of tens of thousands of files is listed in milliseconds."""
    require_folder(corpus)
    found: list[tuple[tuple[str, ...], str, os.DirEntry]] = []
    pending = [((), str(corpus))]
    while pending:
        parts, folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append(((*parts, entry.name), entry.path))
                elif (
                    entry.is_file()
                    and os.path.splitext(entry.name)[1].lower() in SUPPORTED_SUFFIXES
                ):
                    found.append(((*parts, entry.name), "/".join((*parts, entry.name)), entry))
    found.sort(key=lambda item: item[0])
    return [(relative, entry) for _, relative, entry in found]


def safe_file_name(name: str) -> str:
    """A client-supplied file name as it will be stored, or InvalidDocument saying why."""
    if "\x00" in name:
        raise InvalidDocument(f"file name {name!r} contains a NUL byte")
    if not name.strip():
        raise InvalidDocument(
            "the file name is empty: send the file with a name such as notes.txt "
            "(its extension says how to read it)"
        )
    if "\\" in name:
        raise InvalidDocument(
            f"file name {name!r} contains '\\'; send a plain file name (no '/' or '\\')"
        )
    path = PurePosixPath(name)
    if path.is_absolute() or re.match(r"[A-Za-z]:", name):
        raise InvalidDocument(f"file name {name!r} is absolute; send a plain file name")
    if ".." in path.parts:
        raise InvalidDocument(f"file name {name!r} contains '..'; it must stay inside the corpus")
    if "/" in name:
        raise InvalidDocument(
            f"file name {name!r} contains '/'; uploads go to the top of the corpus folder, "
            "so send a plain file name"
        )
    bad = sorted({ch for ch in name if unicodedata.category(ch) in _REFUSED})
    if bad:
        listed = ", ".join(f"U+{ord(ch):04X}" for ch in bad)
        raise InvalidDocument(
            f"file name {name!r} contains control or bidirectional-formatting characters "
            f"({listed}); they can disguise a file's real name"
        )
    name = unicodedata.normalize("NFC", name.strip())
    if is_hidden(PurePosixPath(name)):
        raise InvalidDocument(f"file name {name!r} is hidden (starts with '.'); it is not indexed")
    size = len(name.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        raise InvalidDocument(
            f"file name is too long: {size} bytes in UTF-8; the limit is {MAX_NAME_BYTES} bytes"
        )
    return name


def slug_file_name(title: str, suffix: str = ".md") -> str:
    """The file name for a document made from a title: a lower-case slug, bounded in bytes.

    A title with no letters or digits (``!!!``) is named after a hash of the title, so two
    such titles do not meet in one ``document.md``.
    """
    slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", title).lower()).strip("-")
    slug = _cut_utf8(slug, 80).strip("-")
    if not slug:
        slug = "untitled-" + hashlib.sha256(title.encode("utf-8", "replace")).hexdigest()[:10]
    return safe_file_name(slug + suffix)


def _cut_utf8(text: str, limit: int) -> str:
    """At most ``limit`` bytes of UTF-8, never splitting a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


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
    for field, value in (("title", title), ("text", text), ("url", url or "")):
        _check_unicode(field, value)
    title = " ".join(title.split())
    if not title:
        raise InvalidDocument("the title is empty")
    if not text.strip():
        raise InvalidDocument("the text is empty")
    if url and not is_url(url):
        raise InvalidDocument(f"url must be a single http:// or https:// address, got {url!r}")
    meta = f"title: {title}\n" + (f"url: {url}\n" if url else "")
    return slug_file_name(title), f"---\n{meta}---\n\n{text.strip()}\n".encode()


def _check_unicode(field: str, value: str) -> None:
    """JSON can carry lone surrogates (``"\\ud800"``); no file can hold them."""
    bad = next((ch for ch in value if unicodedata.category(ch) == "Cs"), None)
    if bad is not None:
        raise InvalidDocument(
            f"the {field} contains a lone surrogate (U+{ord(bad):04X}), which is not text; "
            "send valid Unicode"
        )


def temporary_name(target: Path) -> str:
    """The hidden name a write goes through beside ``target`` (never indexed)."""
    return f".{target.name}.{os.getpid()}.tmp"


def write_atomic(target: Path, data: bytes) -> None:
    """Readers (a `qa watch`, a concurrent `qa index`) never see a half-written file; the
    bytes are on disk before the name points at them."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(temporary_name(target))
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)


def restore(target: Path, backup: bytes | None) -> None:
    """Put back what ``target`` held (``None``: it did not exist)."""
    if backup is None:
        target.unlink(missing_ok=True)
    else:
        write_atomic(target, backup)
