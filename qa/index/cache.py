"""Embedding cache: vectors keyed by model and the hash of the exact text embedded."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np


def text_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


class EmbeddingCache:
    """SQLite-backed; every write is one transaction, so a crash loses nothing stored.

    One instance serves one index build. It remembers every text the build asked for, so
    ``refresh`` embeds a text shared by two views once, and ``prune`` can drop the vectors
    no longer used once the build is published.
    """

    def __init__(self, path: Path, model: str, refresh: bool = False) -> None:
        self.model = model
        self.refresh = refresh
        self.used: set[str] = set()
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")

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
        found = self._get(set(keys) & self.used if self.refresh else set(keys))
        self.used.update(keys)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            by_key = {k: t for k, t in zip(keys, texts)}
            fresh = embed_fn([by_key[k] for k in missing])
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                    [(k, v.astype(np.float32).tobytes()) for k, v in zip(missing, fresh)],
                )
            found.update({k: np.asarray(v, dtype=np.float32) for k, v in zip(missing, fresh)})
        out = np.zeros((len(texts), dims), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = found[k]
        return out, len(missing)

    def prune(self) -> int:
        """Delete every vector this instance was not asked for; returns how many."""
        with self._db:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM keep")
            self._db.executemany("INSERT INTO keep VALUES (?)", ((k,) for k in self.used))
            gone = self._db.execute(
                "DELETE FROM vectors WHERE key NOT IN (SELECT key FROM keep)"
            ).rowcount
            self._db.execute("DELETE FROM keep")
        return gone

    def _get(self, keys: set[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        ordered = list(keys)
        for i in range(0, len(ordered), 500):
            part = ordered[i : i + 500]
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})", part
            )
            found.update({k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
        return found
