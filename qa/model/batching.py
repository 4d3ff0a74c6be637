"""Micro-batching: concurrent callers' texts embedded together in one model call.

The first caller to arrive embeds its own text at once, in its own thread (a lone
question waits for nothing and changes no thread). Callers who arrive while a batch is
being embedded queue; when the batch is done, the first of them leads the next batch,
which takes every text that queued meanwhile. Under load one model call embeds many
questions for little more than the price of one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np


class _Pending:
    __slots__ = ("text", "vector", "error", "wake", "lead")

    def __init__(self, text: str) -> None:
        self.text = text
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None
        self.wake = threading.Event()
        self.lead = False

    @property
    def finished(self) -> bool:
        return self.vector is not None or self.error is not None


class MicroBatcher:
    """Thread-safe front to ``encode`` (list of texts in, one row per text out)."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray], max_batch: int = 64) -> None:
        self._encode = encode
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._pending: list[_Pending] = []
        self._busy = False

    def embed_one(self, text: str) -> np.ndarray:
        """The vector for ``text``, embedded together with whatever else is waiting."""
        item = _Pending(text)
        with self._lock:
            self._pending.append(item)
            if not self._busy:
                self._busy = item.lead = True
        if not item.lead:
            item.wake.wait()  # done by another caller's batch, or asked to lead the next
        if not item.finished:
            self._run_batch()
        if item.error is not None:
            raise item.error
        return item.vector

    def queued(self) -> int:
        with self._lock:
            return len(self._pending)

    def _run_batch(self) -> None:
        with self._lock:
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
        try:
            vectors = self._encode([p.text for p in batch])
            for item, vector in zip(batch, vectors):
                item.vector = vector
        except BaseException as exc:  # every caller in the batch gets the error, none hangs
            for item in batch:
                item.error = exc
        finally:
            with self._lock:
                if self._pending:  # hand over: the longest waiting caller leads the next batch
                    self._pending[0].lead = True
                    self._pending[0].wake.set()
                else:
                    self._busy = False
            for item in batch:
                item.wake.set()
