"""kill -9 at any point of an upload: the next start indexes the document or removes it,
and says which. A real writer runs in a child process and is parked, then killed, at
each step; the parent then starts the way `qa serve` does."""

from __future__ import annotations

import logging
import sys
import textwrap

import pytest

from qa import cli
from qa.build import journal
from qa.build.build import build_index
from qa.build.updates import DocumentWriter
from qa.corpus.loader import document_id
from qa.index.live import LiveIndex
from qa.runtime import Runtime
from tests.support.processes import kill_when_parked
from tests.support.settings import corpus_settings as make_settings

OTTERS = b"Sea otters\n\nSea otters use stones as tools to crack open clams.\n"

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from qa.corpus import folder
    from qa.build import journal, updates
    from qa.model.embedder import SentenceTransformerEmbedder
    from qa.index.live import LiveIndex
    from qa.settings import Settings

    corpus, index, point, marker, action = sys.argv[1:6]

    def park(*args, **kwargs):
        Path(marker).write_text(point)
        time.sleep(120)

    embedder = SentenceTransformerEmbedder()
    if point == "journaled":
        updates.write_atomic = park
    elif point == "half-written":
        def half(target, data):
            tmp = target.with_name(folder.temporary_name(target))
            tmp.write_bytes(data[: len(data) // 2])
            park()
        updates.write_atomic = half
    elif point == "saved":
        updates.build_locked = park
    elif point == "embedding":
        embedder.embed = park
    elif point == "published":
        journal.clear = park
    settings = Settings(_env_file=None, corpus_dir=Path(corpus), index_dir=Path(index))
    writer = updates.DocumentWriter(settings, embedder, LiveIndex(settings.index_dir, embedder.name))
    data = b"Sea otters\\n\\nSea otters use stones as tools to crack open clams.\\n"
    if action == "add":
        writer.add_file("otters.txt", data)
    else:
        writer.replace_file(updates.document_id("falcons.txt"), "falcons.txt", data)
    """
)


def _kill_writer_at(settings, point: str, action: str, tmp_path) -> None:
    marker = tmp_path / f"parked-{point}"
    folders = [str(settings.corpus_dir), str(settings.index_dir)]
    argv = [sys.executable, "-c", CHILD, *folders, point, str(marker), action]
    kill_when_parked(argv, marker, f"the writer never reached {point}", timeout=180)


def _leftovers(corpus) -> list[str]:
    return [p.name for p in corpus.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    "point, outcome",
    [
        ("journaled", "removed"),
        ("half-written", "removed"),
        ("saved", "indexed"),
        ("embedding", "indexed"),
        ("published", "indexed"),
    ],
)
def test_an_upload_killed_at_any_point_is_indexed_or_removed_at_the_next_start(
    tmp_path, embedder, point, outcome, caplog
):
    settings = make_settings(tmp_path)
    build_index(settings, embedder)
    _kill_writer_at(settings, point, "add", tmp_path)
    assert journal.pending(settings.index_dir) is not None

    runtime = Runtime.build(settings, embedder)
    service = runtime.service
    with caplog.at_level(logging.WARNING):
        cli._recover_interrupted_write(runtime)

    otters = document_id("otters.txt")
    indexed = otters in service.live.current().documents
    on_disk = (settings.corpus_dir / "otters.txt").exists()
    assert (indexed, on_disk) == ((True, True) if outcome == "indexed" else (False, False))
    assert _leftovers(settings.corpus_dir) == []
    assert journal.pending(settings.index_dir) is None
    said = [r.getMessage() for r in caplog.records]
    assert any(f"add of otters.txt: {outcome}" in m for m in said), said
    if indexed:
        answer = service.ask("What do sea otters use to crack open clams?")
        assert answer.quotes[0].document.id == otters


@pytest.mark.parametrize(
    "point, new_text", [("half-written", False), ("saved", True)], ids=["before", "after"]
)
def test_a_replacement_killed_half_way_keeps_one_whole_text(tmp_path, embedder, point, new_text):
    settings = make_settings(tmp_path)
    build_index(settings, embedder)
    before = (settings.corpus_dir / "falcons.txt").read_bytes()
    _kill_writer_at(settings, point, "replace", tmp_path)

    writer = DocumentWriter(settings, embedder, LiveIndex(settings.index_dir, embedder.name))
    settled = writer.recover()

    assert settled is not None and settled.outcome == ("indexed" if new_text else "removed")
    expected = OTTERS if new_text else before
    assert (settings.corpus_dir / "falcons.txt").read_bytes() == expected
    served = writer.live.current().documents[document_id("falcons.txt")]
    assert served.text == expected.decode()
    assert _leftovers(settings.corpus_dir) == []


def test_the_next_write_settles_a_journal_left_while_the_server_ran(tmp_path, embedder):
    settings = make_settings(tmp_path)
    build_index(settings, embedder)
    _kill_writer_at(settings, "saved", "add", tmp_path)

    writer = DocumentWriter(settings, embedder, LiveIndex(settings.index_dir, embedder.name))
    writer.add_file("notes.txt", b"Notes\n\nThe meeting moved to Thursday.\n")

    documents = writer.live.current().documents
    assert document_id("otters.txt") in documents and document_id("notes.txt") in documents
    assert journal.pending(settings.index_dir) is None


def test_without_a_journal_start_up_changes_nothing(tmp_path, embedder):
    settings = make_settings(tmp_path)
    report = build_index(settings, embedder)
    runtime = Runtime.build(settings, embedder)

    cli._recover_interrupted_write(runtime)

    assert runtime.live.current().version == report.version
