"""DocumentWriter: a write that cannot be indexed leaves the corpus as the index says it is."""

from __future__ import annotations

import pytest

from harness.corpora import DOCS
from qa.build import updates
from qa.build.build import build_index
from qa.build.updates import DocumentWriter
from qa.corpus.loader import document_id
from qa.errors import IndexBusy
from qa.index import layout
from qa.index.live import LiveIndex
from tests.support.settings import corpus_settings


@pytest.fixture
def writer(tmp_path, embedder) -> DocumentWriter:
    settings = corpus_settings(tmp_path, write_lock_wait=0.3)
    build_index(settings, embedder)
    return DocumentWriter(settings, embedder, LiveIndex(settings.index_dir, embedder.name))


@pytest.fixture
def failing_build(monkeypatch):
    def fail(settings, embedder):
        raise OSError("No space left on device")

    monkeypatch.setattr(updates, "build_locked", fail)


def corpus_state(writer: DocumentWriter) -> dict[str, bytes]:
    corpus = writer.settings.corpus_dir
    files = (p for p in corpus.rglob("*") if p.is_file())
    return {p.relative_to(corpus).as_posix(): p.read_bytes() for p in files}


def test_a_failed_delete_puts_the_file_back(writer, failing_build):
    before, version = corpus_state(writer), writer.live.current().version

    with pytest.raises(OSError, match="No space left"):
        writer.delete(document_id("falcons.txt"))

    assert corpus_state(writer) == before
    assert writer.live.current().version == version


def test_a_failed_replace_restores_the_old_text(writer, failing_build):
    before = corpus_state(writer)

    with pytest.raises(OSError):
        writer.replace_file(
            document_id("bread.md"),
            "bread.md",
            b"# Bread\n\nA new text about rye bread and its crust.\n",
        )

    assert corpus_state(writer) == before
    assert before["bread.md"] == DOCS["bread.md"].encode()


def test_a_failed_add_leaves_no_file_behind(writer, failing_build):
    before = corpus_state(writer)

    with pytest.raises(OSError):
        writer.add_file("otters.txt", b"Sea otters crack clams with stones.\n")

    assert corpus_state(writer) == before


def test_the_lock_wait_comes_from_the_settings(writer):
    assert writer.lock_timeout == writer.settings.write_lock_wait == 0.3
    with layout.writer_lock(writer.settings.index_dir), pytest.raises(IndexBusy):
        writer.add_file("otters.txt", b"Sea otters crack clams with stones.\n")
    assert not (writer.settings.corpus_dir / "otters.txt").exists()
