"""`qa watch`: rebuild the index incrementally whenever files in the corpus folder change.

watchfiles groups a burst of file events (an editor's save, a folder copied in) into one
batch; each batch becomes one incremental build, so a file dropped into the folder is
answerable a few seconds later by any server polling the index.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import watchfiles

from qa.build.build import BuildReport, build_index
from qa.corpus.folder import is_hidden, is_indexable, require_folder
from qa.errors import IndexBusy
from qa.model.embedder import Embedder
from qa.settings import Settings

logger = logging.getLogger(__name__)


class CorpusFilter(watchfiles.DefaultFilter):
    """Only files the index build reads: supported suffixes, nothing hidden, nothing in the index."""

    def __init__(self, corpus: Path, index_dir: Path) -> None:
        super().__init__()
        self.corpus = corpus.resolve()
        self.index_dir = index_dir.resolve()

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        p = Path(path)
        if p.is_relative_to(self.index_dir) or not p.is_relative_to(self.corpus):
            return False
        rel = p.relative_to(self.corpus)
        if is_hidden(rel):
            return False
        # A folder copied in or removed may arrive as one event for the folder itself (its
        # files can land before the folder is watched); the build rescans everything anyway.
        return is_indexable(rel) or change == watchfiles.Change.deleted or p.is_dir()


def watch_corpus(
    settings: Settings,
    embedder: Embedder,
    stop: threading.Event,
    debounce: float = 0.5,
    lock_wait: float = 30.0,
) -> Iterator[BuildReport]:
    """Yield one build report at start and one after each batch of corpus changes.

    A build that finds the writer lock busy (an upload, a `qa index`) is retried at the
    next tick rather than dropped, so no change is ever missed. Stops when ``stop`` is set.
    """
    corpus = require_folder(settings.corpus_dir)
    pending = True  # catch up with whatever changed while nobody was watching
    changes = watchfiles.watch(
        corpus,
        watch_filter=CorpusFilter(corpus, settings.index_dir),
        debounce=max(int(debounce * 1000), 1),
        step=min(50, max(int(debounce * 1000), 1)),
        stop_event=stop,
        rust_timeout=500,
        yield_on_timeout=True,
    )
    # The first batch arrives (empty) within rust_timeout, once the watcher is set up, so
    # the catch-up build below cannot miss a change made while it runs.
    for batch in changes:
        if batch:
            logger.debug("corpus changed: %s", sorted(p for _, p in batch))
            pending = True
        if not pending or stop.is_set():
            continue
        try:
            report = build_index(settings, embedder, lock_timeout=lock_wait)
        except IndexBusy as exc:
            logger.warning("%s; will retry", exc)
            continue
        pending = False
        yield report
