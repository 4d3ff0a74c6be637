"""Reader feedback on answers (👍/👎), kept in a small SQLite file.

The file lives beside the index folders (``settings.index_dir / "feedback.sqlite"``),
never inside a version folder, so rebuilding the index keeps the feedback.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

logger = logging.getLogger(__name__)

VERDICTS = ("up", "down")
FILENAME = "feedback.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    user TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('up', 'down')),
    index_version TEXT NOT NULL,
    created_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Feedback:
    """One reader's verdict on one answer, with what they saw and when."""

    question: str
    answer: str
    user: str
    verdict: str
    index_version: str
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")


class FeedbackStore:
    """Append-only store of :class:`Feedback`; safe to share between threads.

    Each call opens its own short-lived connection, so no connection crosses threads.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(_SCHEMA)

    @classmethod
    def for_index_dir(cls, index_dir: Path | str) -> FeedbackStore:
        """The store every entry point uses: ``index_dir / "feedback.sqlite"``."""
        return cls(Path(index_dir) / FILENAME)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            yield db

    def record(self, item: Feedback) -> None:
        """Store one verdict."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO feedback (question, answer, user, verdict, index_version, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    item.question,
                    item.answer,
                    item.user,
                    item.verdict,
                    item.index_version,
                    item.created_at.astimezone(UTC).isoformat(),
                ),
            )
        logger.info("feedback %s from %s on index %s", item.verdict, item.user, item.index_version)

    def all(self) -> tuple[Feedback, ...]:
        """Every verdict, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT question, answer, user, verdict, index_version, created_at"
                " FROM feedback ORDER BY id"
            ).fetchall()
        return tuple(
            Feedback(q, a, u, v, iv, datetime.fromisoformat(ts)) for q, a, u, v, iv, ts in rows
        )
