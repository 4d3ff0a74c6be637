"""Zip containers (.docx, .pptx, .xlsx, .odt, .epub) opened only after their sizes are
checked, so a zip bomb or a corrupt archive is refused before any parser reads it.

The declared sizes in the central directory are checked first (cheap), then every
member is inflated in bounded chunks and counted: the actual total, not the claim,
must stay under the limit (zipfile never returns more than a member declares, and a
member that inflates to less or more fails its CRC check: a corrupt archive).
"""

from __future__ import annotations

import io
import zipfile
import zlib

from qa.errors import DocumentTooLarge, InvalidDocument

MAX_MEMBERS = 1_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
_CHUNK = 1 << 20
# What zipfile raises on damaged members: bad CRC, unknown method, encryption, bad deflate.
_CORRUPT = (zipfile.BadZipFile, NotImplementedError, RuntimeError, zlib.error, OSError, EOFError)


def open_checked(data: bytes, kind: str) -> zipfile.ZipFile:
    """``data`` as an open zip whose members are at most MAX_MEMBERS and together inflate
    to at most MAX_UNPACKED_BYTES; DocumentTooLarge or InvalidDocument otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise InvalidDocument(f"not a readable {kind} file: a corrupt zip ({exc})") from exc
    if len(members) > MAX_MEMBERS:
        raise DocumentTooLarge(
            f"the {kind} file holds {len(members):,} files; the limit is {MAX_MEMBERS:,} "
            "(refused as a likely zip bomb)"
        )
    declared = sum(member.file_size for member in members)
    if declared > MAX_UNPACKED_BYTES:
        raise DocumentTooLarge(
            f"the {kind} file declares {declared:,} bytes unpacked; the limit is "
            f"{MAX_UNPACKED_BYTES:,} bytes (refused as a likely zip bomb)"
        )
    actual = 0
    try:
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    actual += len(chunk)
                    if actual > MAX_UNPACKED_BYTES:
                        raise DocumentTooLarge(
                            f"the {kind} file inflates past {MAX_UNPACKED_BYTES:,} bytes; "
                            "that is the limit (refused as a likely zip bomb)"
                        )
    except _CORRUPT as exc:
        raise InvalidDocument(f"not a readable {kind} file: a corrupt zip ({exc})") from exc
    return archive


def read_member(archive: zipfile.ZipFile, name: str, kind: str) -> bytes:
    """One member's bytes (already size-checked by open_checked), or InvalidDocument."""
    try:
        return archive.read(name)
    except KeyError as exc:
        raise InvalidDocument(f"not a valid {kind} file: it has no {name}") from exc
