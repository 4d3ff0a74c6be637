"""The corpus folder's rules: which files count, safe names, front matter, URLs, writes."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from qa.corpus.folder import (
    is_indexable,
    is_url,
    iter_corpus_files,
    markdown_document,
    read_front_matter,
    restore,
    safe_relative_path,
    write_atomic,
)
from qa.corpus.loader import load_bytes
from qa.errors import CorpusNotFound, InvalidDocument


@pytest.mark.parametrize(
    "path, expected",
    [
        ("notes/report.md", True),
        ("REPORT.PDF", True),
        ("page.htm", True),
        ("notes/.draft.md", False),
        (".git/config.txt", False),
        ("archive.zip", False),
        ("README", False),
    ],
)
def test_which_files_are_indexable(path, expected):
    assert is_indexable(PurePosixPath(path)) is expected


def test_iteration_skips_hidden_folders_and_unsupported_files(tmp_path):
    for name in ("a.txt", "sub/b.md", ".hidden/c.txt", "sub/.d.txt", "e.zip"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")

    found = [p.relative_to(tmp_path).as_posix() for p in iter_corpus_files(tmp_path)]

    assert found == ["a.txt", "sub/b.md"]
    with pytest.raises(CorpusNotFound, match="nowhere"):
        list(iter_corpus_files(tmp_path / "nowhere"))


@pytest.mark.parametrize(
    "source, expected",
    [
        ("https://example.org/report", True),
        ("HTTP://EXAMPLE.ORG", True),
        ("ftp://example.org/x", False),
        ("https://example.org/a b", False),
        ("https://", False),
        ("notes/report.md", False),
    ],
)
def test_what_a_url_is(source, expected):
    assert is_url(source) is expected


@pytest.mark.parametrize(
    "name, reason",
    [("../x.txt", "'..'"), ("/etc/x.txt", "absolute"), (".x.txt", "hidden"), ("a\\b.txt", "'/'")],
)
def test_unsafe_names_are_refused_saying_why(name, reason):
    with pytest.raises(InvalidDocument, match=reason):
        safe_relative_path(name)


def test_front_matter_written_is_the_front_matter_read_back():
    name, data = markdown_document("  Peru:  coca report ", "The text.\n", "https://e.org/r")
    meta, text = read_front_matter(data.decode())

    assert name == "peru-coca-report.md"
    assert meta == {"title": "Peru: coca report", "url": "https://e.org/r"}
    assert len(text) == len(data.decode()) and text.strip() == "The text."
    document = load_bytes(name, data)
    assert (document.title, document.source) == ("Peru: coca report", "https://e.org/r")
    with pytest.raises(InvalidDocument, match="url must be"):
        markdown_document("t", "x", "javascript:alert(1)")


def test_atomic_write_and_restore_leave_no_temporary_file(tmp_path: Path):
    target = tmp_path / "sub" / "a.txt"
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    restore(target, b"old")
    assert target.read_bytes() == b"old"
    restore(target, None)
    assert not target.exists()
    assert list(tmp_path.rglob("*.tmp")) == []
