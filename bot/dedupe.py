"""A bounded, thread-safe "seen recently" set, used to answer each question once.

Slack retries deliveries it thinks failed and may send one message as both an
``app_mention`` and a ``message`` event; remembering keys for a while is enough.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class SeenRecently:
    """Remembers keys for ``ttl`` seconds, at most ``max_size`` of them (oldest go first)."""

    def __init__(
        self,
        ttl: float = 600.0,
        max_size: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl <= 0 or max_size <= 0:
            raise ValueError(f"ttl and max_size must be positive, got {ttl!r}, {max_size!r}")
        self._ttl, self._max_size, self._clock = ttl, max_size, clock
        self._seen: OrderedDict[Hashable, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: Hashable) -> bool:
        """Record ``key``; True only the first time it is seen within the TTL."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            if key in self._seen:
                return False
            self._seen[key] = now + self._ttl
            if len(self._seen) > self._max_size:
                self._seen.popitem(last=False)
            return True

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._seen)

    def _expire(self, now: float) -> None:
        while self._seen:
            key, expires = next(iter(self._seen.items()))
            if expires > now:
                break
            del self._seen[key]
