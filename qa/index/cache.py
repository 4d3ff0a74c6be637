"""Embedding cache: vectors keyed by model and the hash of the exact text embedded.

It is only a cache: a file SQLite cannot read (a torn disk write, a stray edit) is moved
aside as ``embeddings.sqlite.corrupt-<time>`` and the build goes on with an empty cache,
embedding what it needs again, instead of failing every write until someone repairs it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)"


def text_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


class EmbeddingCache:
    """SQLite-backed; every write is one transaction, so a crash loses nothing stored.

    One instance serves one index build. It remembers every text the build asked for, so
    ``refresh`` embeds a text shared by two views once, and ``prune`` can drop the vectors
    no longer used once the build is published.
    """

    def __init__(self, path: Path, model: str, refresh: bool = False) -> None:
        self.path = path
        self.model = model
        self.refresh = refresh
        self.used: set[str] = set()
        self.set_aside: Path | None = None
        self._db = self._open()

    def close(self) -> None:
        self._db.close()

    def embed(
        self,
        texts: list[str],
        embed_fn: Callable[[list[str]], np.ndarray],
        dims: int,
    ) -> tuple[np.ndarray, int]:
        """Vectors for ``texts`` (in order), computing only the ones not cached.

        With ``refresh`` only the vectors computed by this instance count as cached.
        Returns the matrix and how many texts were embedded.
        """
        keys = [text_key(self.model, t) for t in texts]
        found = self._get(set(keys) & self.used if self.refresh else set(keys), dims)
        self.used.update(keys)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            by_key = {k: t for k, t in zip(keys, texts)}
            fresh = embed_fn([by_key[k] for k in missing])
            rows = [(k, v.astype(np.float32).tobytes()) for k, v in zip(missing, fresh)]
            self._guarded(lambda: self._insert(rows), None)
            found.update({k: np.asarray(v, dtype=np.float32) for k, v in zip(missing, fresh)})
        out = np.zeros((len(texts), dims), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = found[k]
        return out, len(missing)

    def prune(self) -> int:
        """Delete every vector this instance was not asked for; returns how many."""
        return self._guarded(self._prune, 0)

    def _prune(self) -> int:
        with self._db:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM keep")
            self._db.executemany("INSERT INTO keep VALUES (?)", ((k,) for k in self.used))
            gone = self._db.execute(
                "DELETE FROM vectors WHERE key NOT IN (SELECT key FROM keep)"
            ).rowcount
            self._db.execute("DELETE FROM keep")
        return gone

    def _insert(self, rows: list[tuple[str, bytes]]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)

    def _get(self, keys: set[str], dims: int) -> dict[str, np.ndarray]:
        def read() -> dict[str, np.ndarray]:
            found: dict[str, np.ndarray] = {}
            ordered = list(keys)
            for i in range(0, len(ordered), 500):
                part = ordered[i : i + 500]
                rows = self._db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})",
                    part,
                )
                for k, v in rows:
                    if isinstance(v, bytes) and len(v) == dims * 4:  # else: not ours, re-embed
                        found[k] = np.frombuffer(v, dtype=np.float32)
            return found

        return self._guarded(read, {})

    def _guarded(self, operation, fallback):
        """Run a cache operation; if the file turns out to be corrupt, start a fresh one."""
        try:
            return operation()
        except sqlite3.DatabaseError as exc:
            self._reset(exc)
        try:
            return operation()
        except sqlite3.DatabaseError as exc:  # the fresh file failed too: go on uncached
            logger.error("embedding cache unusable (%s); continuing without it", exc)
            return fallback

    def _open(self) -> sqlite3.Connection:
        db = None
        try:
            db = sqlite3.connect(self.path)
            db.execute(_SCHEMA)
            db.execute("SELECT key, vector FROM vectors LIMIT 1").fetchall()
            return db
        except sqlite3.DatabaseError as exc:
            if db is not None:
                db.close()
            self._move_aside(exc)
            db = sqlite3.connect(self.path)
            db.execute(_SCHEMA)
            return db

    def _reset(self, exc: Exception) -> None:
        self._db.close()
        self._move_aside(exc)
        self._db = sqlite3.connect(self.path)
        self._db.execute(_SCHEMA)

    def _move_aside(self, exc: Exception) -> None:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
        for suffix in ("", "-wal", "-shm", "-journal"):
            part = Path(f"{self.path}{suffix}")
            if part.exists():
                os.replace(part, Path(f"{aside}{suffix}"))
        self.set_aside = aside
        logger.warning(
            "embedding cache %s is corrupt (%s); moved it to %s and starting an empty one "
            "(only cached vectors are lost: they are embedded again)",
            self.path, exc, aside.name,
        )  # fmt: skip
