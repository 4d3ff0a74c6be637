"""FeedbackStore: verdicts survive a reopen, in order, outside the index versions."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime

import pytest

from qa.feedback import Feedback, FeedbackStore


def test_records_survive_reopening_in_order(tmp_path):
    store = FeedbackStore.for_index_dir(tmp_path / "index")
    first = Feedback("q1", "a1", "U1", "up", "v1", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))
    second = Feedback("q2", "a2 & <b>", "U2", "down", "v2")

    store.record(first)
    store.record(second)

    again = FeedbackStore(tmp_path / "index" / "feedback.sqlite").all()
    assert again == (first, second)
    assert (tmp_path / "index" / "feedback.sqlite").is_file()


def test_rejects_unknown_verdict():
    with pytest.raises(ValueError, match="'meh'"):
        Feedback("q", "a", "U1", "meh", "v1")


def test_database_refuses_bad_verdicts_too(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite")
    with pytest.raises(sqlite3.IntegrityError), sqlite3.connect(store.path) as db:
        db.execute(
            "INSERT INTO feedback (question, answer, user, verdict, index_version, created_at)"
            " VALUES ('q', 'a', 'u', 'meh', 'v', 'now')"
        )


def test_concurrent_records_are_all_kept(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite")

    def rate(n: int) -> None:
        store.record(Feedback(f"q{n}", "a", f"U{n}", "up", "v1"))

    threads = [threading.Thread(target=rate, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(f.user for f in store.all()) == sorted(f"U{n}" for n in range(16))
