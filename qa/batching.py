"""Micro-batching: concurrent callers' texts embedded together in one model call.

While one batch is being embedded, later callers queue; the next batch takes every one
of them at once. A lone caller waits for nothing (its batch is just itself), and under
load one call embeds many questions for little more than the price of one.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

import numpy as np

logger = logging.getLogger(__name__)


class _Pending:
    __slots__ = ("text", "vector", "error", "done")

    def __init__(self, text: str) -> None:
        self.text = text
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()


class MicroBatcher:
    """Thread-safe front to ``encode`` (list of texts in, one row per text out)."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray], max_batch: int = 64) -> None:
        self._encode = encode
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()
        self.batches = 0  # how many model calls served the callers so far

    def embed_one(self, text: str) -> np.ndarray:
        """The vector for ``text``, embedded together with whatever else is waiting."""
        item = _Pending(text)
        self._ensure_worker()
        self._queue.put(item)
        item.done.wait()
        if item.error is not None:
            raise item.error
        return item.vector

    def _ensure_worker(self) -> None:
        if self._thread is None:
            with self._start:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="query-embedder", daemon=True
                    )
                    self._thread.start()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                vectors = self._encode([p.text for p in batch])
                for item, vector in zip(batch, vectors):
                    item.vector = vector
            except BaseException as exc:  # every waiting caller gets the error, none hangs
                for item in batch:
                    item.error = exc
            finally:
                self.batches += 1
                for item in batch:
                    item.done.set()
