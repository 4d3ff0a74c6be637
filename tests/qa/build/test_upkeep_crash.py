"""Crash safety and single-writer rules: kill -9 mid-build, corrupt files, concurrent writers."""

from __future__ import annotations

import sys
import textwrap
import threading

import httpx
import pytest

from qa import cli
from qa.answer.service import AnswerService
from qa.api.app import create_app
from qa.build.build import build_index
from qa.errors import IndexBusy, IndexCorrupt
from qa.index import layout
from qa.index.live import LiveIndex
from qa.index.store import VersionReader
from qa.runtime import Runtime
from tests.support.answers import cited_titles
from tests.support.processes import kill_when_parked
from tests.support.settings import corpus_settings

# Runs a real build in a child process and parks it at one point, so the test can kill it
# there: patches wrap the functions the build calls at that moment.
CHILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from qa.build import build as indexer
    from qa.index import layout, merge, segment, vectors
    from qa.runtime import build_embedder
    from qa.settings import Settings

    corpus, index, point, marker = sys.argv[1:5]

    def park():
        Path(marker).write_text(point)
        time.sleep(120)

    settings = Settings(_env_file=None, corpus_dir=Path(corpus), index_dir=Path(index))
    embedder = build_embedder(settings)  # the model and adapter the index was built with
    if point == "embedding":
        inner = embedder.embed
        embedder.embed = lambda texts, progress=False: park()
    elif point == "tmp-folder":
        vectors.faiss.write_index = lambda *a: park()
    elif point == "manifest":
        fsync = segment._fsync_tree
        segment._fsync_tree = lambda folder: (fsync(folder), park())
    elif point == "pointer":
        replace = os.replace
        def parked_replace(src, dst):
            if Path(dst).name == "CURRENT":
                park()
            replace(src, dst)
        layout.os.replace = parked_replace
    elif point == "merge":
        merge.write_segment = lambda *a, **k: park()
    indexer.build_index(settings, embedder, optimize=point == "merge")
    """
)


def _kill_build_at(settings, point: str, tmp_path) -> None:
    marker = tmp_path / f"parked-{point}"
    folders = [str(settings.corpus_dir), str(settings.index_dir)]
    argv = [sys.executable, "-c", CHILD, *folders, point, str(marker)]
    kill_when_parked(argv, marker, f"the build never reached {point}", timeout=120)


@pytest.mark.parametrize("point", ["embedding", "tmp-folder", "manifest", "pointer"])
def test_killed_indexer_leaves_the_last_good_index_and_the_next_run_recovers(
    tmp_path, embedder, point, capsys
):
    settings = corpus_settings(tmp_path)
    good = build_index(settings, embedder).version
    (settings.corpus_dir / "tea.txt").write_text("Green tea\n\nMatcha is a powdered tea.\n")

    _kill_build_at(settings, point, tmp_path)

    index = settings.index_dir
    leftovers = {p.name.split("-")[0] for p in index.iterdir() if p.name.startswith("tmp-")}
    assert leftovers == ({"tmp"} if point in ("tmp-folder", "manifest") else set())
    assert (index / "CURRENT.tmp").exists() == (point == "pointer")
    assert layout.current_version(index) == good
    service = Runtime.build(settings, embedder).service
    answer = service.ask("What is the fastest bird?")
    assert answer.index_version == good and "Falcons" in cited_titles(answer)

    capsys.readouterr()
    assert cli.main(["index", "--corpus", str(settings.corpus_dir), "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert "1 added, 0 updated, 0 removed, 3 unchanged" in out
    assert not list(index.glob("tmp-*")) and not (index / "CURRENT.tmp").exists()
    assert layout.current_version(index) != good
    service.live.refresh()
    assert "Green tea" in cited_titles(service.ask("What is matcha?"))


def test_a_merge_killed_half_way_leaves_the_previous_version_serving(tmp_path, embedder):
    settings = corpus_settings(tmp_path)
    build_index(settings, embedder)
    (settings.corpus_dir / "tea.txt").write_text("Green tea\n\nMatcha is a powdered tea.\n")
    (settings.corpus_dir / "volcano.txt").unlink()
    good = build_index(settings, embedder)
    assert good.segments == 2

    _kill_build_at(settings, "merge", tmp_path)

    assert layout.current_version(settings.index_dir) == good.version
    service = Runtime.build(settings, embedder).service
    assert "Green tea" in cited_titles(service.ask("What is matcha?"))
    merged = build_index(settings, embedder, optimize=True)
    assert merged.merged == 2 and merged.segments == 1 and merged.embedded == 0
    assert not list(settings.index_dir.glob("tmp-*"))
    service.live.refresh()
    assert "Green tea" in cited_titles(service.ask("What is matcha?"))
    assert "Mount Etna" not in cited_titles(service.ask("When did Mount Etna last erupt?"))


def _new_segment(settings, version: str):
    """The folder of the segment ``version`` added: its last one."""
    manifest = layout.versions_dir(settings.index_dir) / version
    last = VersionReader(manifest).manifest.segments[-1].id
    return layout.segments_dir(settings.index_dir) / last


def _flip_bytes(path, offset: int = -20) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["flip-faiss", "flip-sqlite", "truncate-sqlite", "manifest"])
def test_a_damaged_version_is_refused_and_the_last_good_one_keeps_serving(
    tmp_path, embedder, damage
):
    settings = corpus_settings(tmp_path)
    good = build_index(settings, embedder).version
    live = LiveIndex(settings.index_dir, embedder.name)
    assert live.current().version == good
    (settings.corpus_dir / "tea.txt").write_text("Green tea\n\nMatcha is a powdered tea.\n")
    bad = build_index(settings, embedder).version
    folder = layout.versions_dir(settings.index_dir) / bad
    segment = _new_segment(settings, bad)
    if damage == "flip-faiss":
        _flip_bytes(segment / "sentences.faiss")
    elif damage == "flip-sqlite":
        _flip_bytes(segment / "store.sqlite", offset=200)
    elif damage == "truncate-sqlite":
        data = (segment / "store.sqlite").read_bytes()
        (segment / "store.sqlite").write_bytes(data[: len(data) // 2])
    else:
        (folder / "manifest.json").write_text('{"version": "')

    with pytest.raises(IndexCorrupt, match=segment.name if damage != "manifest" else "manifest"):
        VersionReader(folder)
    assert live.refresh() is False
    assert live.version == good and bad in live.problem
    answer = AnswerService(settings, embedder, live).ask("What is the fastest bird?")
    assert answer.index_version == good

    # The next build notices, rebuilds from the corpus and serves again.
    repaired = build_index(settings, embedder)
    assert repaired.rebuilt_reason.startswith("previous index unusable")
    assert live.refresh() is True and live.problem is None


def test_readyz_says_why_when_no_version_is_loadable(tmp_path, embedder, serve_app):
    settings = corpus_settings(tmp_path)
    good = build_index(settings, embedder).version
    runtime = Runtime.build(settings, embedder)
    url = serve_app(create_app(runtime, plugins=False))
    assert httpx.get(url + "/readyz").json()["index_version"] == good

    (settings.corpus_dir / "tea.txt").write_text("Green tea\n\nMatcha is a powdered tea.\n")
    bad = build_index(settings, embedder).version
    _flip_bytes(_new_segment(settings, bad) / "chunks.faiss")
    runtime.live.refresh()
    still = httpx.get(url + "/readyz")
    assert still.status_code == 200 and still.json()["index_version"] == good
    assert "checksum" in still.json()["warning"]

    fresh = Runtime.build(settings, embedder)  # a server started now has no good version
    url = serve_app(create_app(fresh, plugins=False))
    ready = httpx.get(url + "/readyz")
    assert ready.status_code == 503
    message = ready.json()["error"]["message"]
    assert bad in message and "checksum" in message
    assert httpx.post(url + "/ask", json={"question": "fastest bird?"}).status_code == 503


def test_a_second_writer_fails_clearly_or_waits(tmp_path, embedder, capsys):
    settings = corpus_settings(tmp_path)
    first = build_index(settings, embedder).version
    (settings.corpus_dir / "tea.txt").write_text("Green tea\n\nMatcha is a powdered tea.\n")
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with layout.writer_lock(settings.index_dir):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(30)
    try:
        with pytest.raises(IndexBusy, match="another writer"):
            build_index(settings, embedder)
        argv = ["index", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
        assert cli.main(argv) == 5
        assert "another writer is updating the index" in capsys.readouterr().err
        assert layout.current_version(settings.index_dir) == first

        waited: list = []
        waiter = threading.Thread(
            target=lambda: waited.append(build_index(settings, embedder, lock_timeout=60))
        )
        waiter.start()
        assert not waited  # cannot have finished: the lock is still held
    finally:
        release.set()
        holder.join()
    waiter.join()
    assert waited[0].added == ["tea.txt"]
    assert layout.current_version(settings.index_dir) == waited[0].version
