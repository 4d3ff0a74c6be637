"""The dedupe cache: once within the TTL, bounded in size, safe across threads."""

from __future__ import annotations

import threading

import pytest

from bot.dedupe import SeenRecently


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_first_time_only_once_until_expiry():
    clock = Clock()
    seen = SeenRecently(ttl=10, clock=clock)

    assert seen.first_time("a") is True
    assert seen.first_time("a") is False
    clock.now = 9.9
    assert seen.first_time("a") is False
    clock.now = 10.1
    assert seen.first_time("a") is True


def test_size_is_bounded_oldest_forgotten_first():
    seen = SeenRecently(ttl=100, max_size=3, clock=Clock())
    for key in "abcd":
        assert seen.first_time(key)
    assert len(seen) == 3
    assert seen.first_time("a") is True  # evicted, so new again
    assert seen.first_time("d") is False


def test_concurrent_claims_have_exactly_one_winner():
    seen = SeenRecently()
    wins = []
    barrier = threading.Barrier(16)

    def claim() -> None:
        barrier.wait()
        if seen.first_time(("C1", "1.0")):
            wins.append(1)

    threads = [threading.Thread(target=claim) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins == [1]


def test_rejects_nonsense_limits():
    with pytest.raises(ValueError, match="-1"):
        SeenRecently(ttl=-1)
