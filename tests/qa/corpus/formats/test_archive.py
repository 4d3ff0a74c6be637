"""Zip containers: bombs, lying headers and corrupt archives are refused before parsing,
and a corpus scan skips only the bad file."""

from __future__ import annotations

import struct

import pytest

from qa.corpus.formats.archive import MAX_UNPACKED_BYTES
from qa.corpus.loader import load_bytes, scan_corpus
from qa.errors import DocumentTooLarge, InvalidDocument
from tests.support.formatfiles import (
    docx_bytes,
    epub_bytes,
    odt_bytes,
    pptx_bytes,
    with_member,
    xlsx_bytes,
)

SUFFIXES = {
    ".docx": docx_bytes,
    ".pptx": pptx_bytes,
    ".xlsx": xlsx_bytes,
    ".odt": odt_bytes,
    ".epub": epub_bytes,
}


@pytest.fixture(scope="module")
def bomb_payload() -> bytes:
    return bytes(MAX_UNPACKED_BYTES + 1)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_zip_bomb_is_refused_naming_the_limit(suffix, bomb_payload):
    bomb = with_member(SUFFIXES[suffix](), "padding.bin", bomb_payload)
    assert len(bomb) < 1_000_000  # a small file that would inflate past the limit

    with pytest.raises(DocumentTooLarge, match=f"limit is {MAX_UNPACKED_BYTES:,} bytes"):
        load_bytes("bomb" + suffix, bomb)


def test_a_member_lying_about_its_size_is_a_corrupt_zip():
    data = bytearray(with_member(docx_bytes(), "big.bin", bytes(5_000_000)))
    central = data.rfind(b"PK\x01\x02")  # the last central-directory entry: big.bin
    assert data[central + 46 : central + 53] == b"big.bin"
    struct.pack_into("<I", data, central + 24, 10)  # declared uncompressed size: 10 bytes

    with pytest.raises(InvalidDocument, match="corrupt zip"):
        load_bytes("liar.docx", bytes(data))


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_truncated_and_non_zip_files_are_corrupt(suffix):
    data = SUFFIXES[suffix]()
    with pytest.raises(InvalidDocument, match="corrupt zip"):
        load_bytes("cut" + suffix, data[: len(data) // 2])
    with pytest.raises(InvalidDocument, match="corrupt zip"):
        load_bytes("text" + suffix, b"just some text, not a zip")


def test_a_scan_skips_only_the_bad_files(tmp_path, bomb_payload):
    (tmp_path / "good.docx").write_bytes(docx_bytes())
    (tmp_path / "bomb.docx").write_bytes(with_member(docx_bytes(), "p.bin", bomb_payload))
    (tmp_path / "many.epub").write_bytes(epub_bytes(extra_files=1_500))
    (tmp_path / "broken.pptx").write_bytes(b"PK\x03\x04 broken")
    (tmp_path / "notes.txt").write_text("Notes\n\nA good note.\n")

    scan = scan_corpus(tmp_path)

    assert sorted(d.path for d in scan.documents) == ["good.docx", "notes.txt"]
    reasons = {s.path: s.reason for s in scan.skipped}
    assert set(reasons) == {"bomb.docx", "many.epub", "broken.pptx"}
    assert "limit is" in reasons["bomb.docx"] and "1,000" in reasons["many.epub"]
    assert "corrupt zip" in reasons["broken.pptx"]
