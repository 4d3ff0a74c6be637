"""File names for documents that clients send: safe, bounded in bytes, one name per document.

Every name that reaches the corpus folder from outside goes through ``safe_file_name``
(uploads) or ``slug_file_name`` (JSON documents, named after their title), so the rules
live in one place: no folders, no control or bidirectional-formatting characters, no
hidden files, and short enough in UTF-8 bytes that the writer's temporary file name
(``.NAME.PID.tmp``) still fits the filesystem's 255-byte limit.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import PurePosixPath

from qa.errors import InvalidDocument

MAX_NAME_BYTES = 200
# Control, format (includes U+202E RIGHT-TO-LEFT OVERRIDE and the other bidi controls),
# surrogate, private-use and unassigned code points, and line/paragraph separators.
_REFUSED = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


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
        raise InvalidDocument(f"file name {name!r} contains '\\'; send a plain file name")
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
    if name.startswith("."):
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
