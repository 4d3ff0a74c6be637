"""`qa watch`: files dropped into, edited in or removed from the corpus become answers."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import watchfiles

from qa.build.watcher import CorpusFilter, watch_corpus
from qa.errors import CorpusNotFound
from qa.index import layout
from qa.runtime import Runtime
from tests.support.answers import cited_titles
from tests.support.settings import corpus_settings, folder_args


class Watching:
    """watch_corpus running in a thread; reports arrive on a queue."""

    def __init__(self, settings, embedder) -> None:
        self.stop = threading.Event()
        self.reports: queue.Queue = queue.Queue()
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, args=(settings, embedder), daemon=True)
        self.thread.start()

    def _run(self, settings, embedder) -> None:
        try:
            for report in watch_corpus(settings, embedder, self.stop, debounce=0.2):
                self.reports.put(report)
        except BaseException as exc:  # surfaced by next_report
            self.errors.append(exc)

    def next_report(self, match=lambda r: True):
        """The next report for which ``match`` holds; fails after a generous minute."""
        while True:
            try:
                report = self.reports.get(timeout=60)
            except queue.Empty:
                pytest.fail(f"no matching build from the watcher; errors: {self.errors}")
            if match(report):
                return report

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive() and not self.errors


def test_changes_in_the_folder_are_indexed_as_they_happen(tmp_path, embedder):
    settings = corpus_settings(tmp_path)
    corpus = settings.corpus_dir
    watching = Watching(settings, embedder)
    try:
        initial = watching.next_report()
        assert len(initial.added) == 3  # catches up on start
        service = Runtime.build(settings, embedder).service

        (corpus / "tea.txt").write_text("Green tea\n\nMatcha is a powdered green tea.\n")
        added = watching.next_report(lambda r: r.added)
        assert added.added == ["tea.txt"] and added.unchanged == 3
        assert layout.current_version(settings.index_dir) == added.version
        assert "Green tea" in cited_titles(service.ask("What is matcha?"))

        (corpus / "sub").mkdir()
        (corpus / "sub" / "notes.md").write_text("# Notes\n\nThe meeting moved to Tuesday.\n")
        (corpus / ".draft.txt").write_text("Hidden\n\nNever indexed.\n")
        nested = watching.next_report(lambda r: r.added)
        assert nested.added == ["sub/notes.md"]

        (corpus / "falcons.txt").unlink()
        removed = watching.next_report(lambda r: r.removed)
        assert removed.removed == ["falcons.txt"]
        service.live.refresh()
        assert "Falcons" not in cited_titles(service.ask("What is the fastest bird?"))
    finally:
        watching.close()


def test_filter_skips_hidden_unsupported_and_index_files(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "corpus" / "index"
    keep = CorpusFilter(corpus, index)
    added = watchfiles.Change.added
    assert keep(added, str(corpus / "a.md")) and keep(added, str(corpus / "x" / "b.PDF"))
    assert not keep(added, str(corpus / ".a.md.swp"))
    assert not keep(added, str(corpus / ".git" / "a.txt"))
    assert not keep(added, str(corpus / "a.pages"))
    assert not keep(added, str(index / "versions" / "v1" / "x.txt"))
    (corpus / "copied").mkdir(parents=True)
    assert keep(added, str(corpus / "copied")) and keep(
        watchfiles.Change.deleted, str(corpus / "gone")
    )


def test_a_missing_corpus_folder_is_reported(tmp_path, embedder):
    settings = corpus_settings(tmp_path).model_copy(update={"corpus_dir": Path(tmp_path / "nope")})
    with pytest.raises(CorpusNotFound, match="nope"):
        next(watch_corpus(settings, embedder, threading.Event()))


def test_qa_watch_command_prints_each_update_and_stops_on_ctrl_c(tmp_path):
    settings = corpus_settings(tmp_path)
    child = subprocess.Popen(
        [sys.executable, "-m", "qa", "watch", *folder_args(settings), "--debounce", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in child.stdout], daemon=True).start()

    def wait_for(text: str) -> str:
        while True:
            try:
                line = lines.get(timeout=120)
            except queue.Empty:
                child.kill()
                pytest.fail(f"`qa watch` never printed {text!r}: {child.stderr.read()}")
            if text in line:
                return line

    try:
        wait_for("3 added, 0 updated, 0 removed, 0 unchanged")
        (settings.corpus_dir / "tea.txt").write_text("Green tea\n\nMatcha is a powdered tea.\n")
        wait_for("1 added, 0 updated, 0 removed, 3 unchanged")
        child.send_signal(signal.SIGINT)
        assert child.wait(30) == 130
    finally:
        child.kill()
        child.wait()
