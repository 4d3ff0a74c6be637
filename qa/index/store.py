"""One index version on disk: SQLite for text and spans, FAISS for vectors, a manifest.

A version folder is written completely, checksummed, and never modified afterwards;
readers open it immutable. FAISS and SQLite live only in this module.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import weakref
from dataclasses import dataclass, replace
from pathlib import Path

import faiss
import numpy as np

from qa.errors import IndexCorrupt, NoIndex
from qa.index import layout
from qa.index import manifest as manifests
from qa.index.lexical import chunk_terms, fts_query, idf
from qa.index.manifest import Manifest
from qa.index.views import CHUNKS, VECTOR_FILES
from qa.models import Chunk, Document, Sentence

logger = logging.getLogger(__name__)

MANIFEST = manifests.FILE
DB = "store.sqlite"

_SCHEMA = """
CREATE TABLE documents (id TEXT PRIMARY KEY, title TEXT, source TEXT, path TEXT, text TEXT,
                        content_hash TEXT, pages TEXT);
CREATE TABLE chunks (row INTEGER PRIMARY KEY, id TEXT, document_id TEXT, start INT, end INT);
CREATE TABLE sentences (row INTEGER PRIMARY KEY, document_id TEXT, start INT, end INT);
CREATE VIRTUAL TABLE chunks_fts USING fts5(terms, tokenize = 'unicode61');
CREATE VIRTUAL TABLE chunks_vocab USING fts5vocab(chunks_fts, 'row');
"""


@dataclass(frozen=True)
class IndexData:
    """Everything a version holds, in row order matching the vectors."""

    documents: list[Document]
    chunks: list[Chunk]
    sentences: list[Sentence]
    vectors: dict[str, np.ndarray]  # name in VECTOR_FILES -> (rows, dims)


def write_version(folder: Path, data: IndexData, manifest: Manifest) -> Manifest:
    """Write ``data`` into the empty ``folder``; return the manifest written (with checksums)."""
    folder.mkdir(parents=True, exist_ok=False)
    with sqlite3.connect(folder / DB) as db:
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?)",
            [
                (d.id, d.title, d.source, d.path, d.text, d.content_hash, json.dumps(d.pages))
                for d in data.documents
            ],
        )
        db.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?)",
            [(i, c.id, c.document_id, c.start, c.end) for i, c in enumerate(data.chunks)],
        )
        db.executemany(
            "INSERT INTO sentences VALUES (?,?,?,?)",
            [(i, s.document_id, s.start, s.end) for i, s in enumerate(data.sentences)],
        )
        titles = {d.id: d.title for d in data.documents}
        db.executemany(
            "INSERT INTO chunks_fts(rowid, terms) VALUES (?, ?)",
            [
                (i, " ".join(chunk_terms(titles[c.document_id], c.text)))
                for i, c in enumerate(data.chunks)
            ],
        )
    db.close()
    for name in VECTOR_FILES:
        vectors = data.vectors[name]
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)
        faiss.write_index(index, str(folder / f"{name}.faiss"))
    manifest = replace(manifest, views=VECTOR_FILES, files=_checksums(folder))
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(manifest.to_json())
    _fsync_tree(folder)
    tmp.rename(folder / MANIFEST)
    return manifest


def _checksums(folder: Path) -> dict[str, str]:
    return {p.name: _sha256(p) for p in sorted(folder.iterdir()) if p.name != MANIFEST}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with path.open("rb") as fh:
            os.fsync(fh.fileno())


def read_manifest(folder: Path) -> Manifest:
    return manifests.read(folder)


class VersionReader:
    """A loaded, read-only index version. Safe to share between threads."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        try:
            fd = layout.lease(folder)
        except FileNotFoundError as exc:
            raise NoIndex(f"index version folder {folder} does not exist") from exc
        weakref.finalize(self, os.close, fd)
        self.manifest = read_manifest(folder)
        missing = [n for n in VECTOR_FILES if f"{n}.faiss" not in self.manifest.files]
        if missing:
            raise IndexCorrupt(
                f"{folder} has no vectors for {', '.join(missing)} (built by another version "
                "of qa-bot); run `qa index` to rebuild"
            )
        for name, expected in self.manifest.files.items():
            path = folder / name
            if not path.exists() or _sha256(path) != expected:
                raise IndexCorrupt(f"{path} is missing or does not match its checksum")
        self._local = threading.local()
        db = self._db()
        self.documents: dict[str, Document] = {}
        for row in db.execute(
            "SELECT id, title, source, path, text, content_hash, pages FROM documents"
        ):
            pages = tuple(tuple(p) for p in json.loads(row[6]))
            self.documents[row[0]] = Document(*row[:6], pages=pages)
        self.chunks = [
            Chunk(cid, doc, s, e, self.documents[doc].text[s:e])
            for cid, doc, s, e in db.execute(
                "SELECT id, document_id, start, end FROM chunks ORDER BY row"
            )
        ]
        self.sentences = [
            Sentence(doc, s, e, self.documents[doc].text[s:e])
            for doc, s, e in db.execute(
                "SELECT document_id, start, end FROM sentences ORDER BY row"
            )
        ]
        self._doc_rows: dict[str, list[int]] = {}
        for row, sentence in enumerate(self.sentences):
            self._doc_rows.setdefault(sentence.document_id, []).append(row)
        try:
            self.indexes = {n: faiss.read_index(str(folder / f"{n}.faiss")) for n in VECTOR_FILES}
        except RuntimeError as exc:
            raise IndexCorrupt(f"unreadable vectors in {folder}: {exc}") from exc
        self.vectors = {n: _flat_vectors(ix) for n, ix in self.indexes.items()}
        if self.indexes[CHUNKS].ntotal != len(self.chunks) or any(
            self.indexes[name].ntotal != len(self.sentences)
            for name in VECTOR_FILES
            if name != CHUNKS
        ):
            raise IndexCorrupt(f"vector and row counts disagree in {folder}")

    @property
    def version(self) -> str:
        return self.manifest.version

    def sentence_rows(self, document_id: str) -> list[int]:
        return self._doc_rows.get(document_id, [])

    def neighbour_text(self, row: int) -> str:
        """The sentence before ``row`` in the same document, or ''."""
        if row > 0 and self.sentences[row - 1].document_id == self.sentences[row].document_id:
            return self.sentences[row - 1].text
        return ""

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            uri = f"file:{self.folder / DB}?mode=ro&immutable=1"
            db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.db = db
        return db

    def dense_search(self, name: str, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        index = self.indexes[name]
        k = min(k, index.ntotal)
        if k <= 0:
            return []
        scores, rows = index.search(query.reshape(1, -1), k)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]

    def cosines(self, view: str, rows: list[int], query: np.ndarray) -> np.ndarray:
        """cosine(query, row) under ``view`` for each of ``rows``, in their order."""
        return self.vectors[view][rows] @ query

    def lexical_search(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        """BM25 over chunks (title included); higher is better."""
        query = fts_query(terms)
        if not query:
            return []
        rows = self._db().execute(
            "SELECT rowid, -bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ? "
            "ORDER BY bm25(chunks_fts) LIMIT ?",
            (query, k),
        )
        return [(int(r), float(s)) for r, s in rows]

    def idf(self, terms: list[str]) -> dict[str, float]:
        """Inverse document frequency of each term over chunks (unseen terms get the maximum)."""
        unique = list(dict.fromkeys(terms))
        n = len(self.chunks)
        found = (
            dict(
                self._db().execute(
                    f"SELECT term, doc FROM chunks_vocab WHERE term IN ({','.join('?' * len(unique))})",
                    unique,
                )
            )
            if unique
            else {}
        )
        return {t: idf(found.get(t, 0), n) for t in unique}


def _flat_vectors(index: faiss.Index) -> np.ndarray:
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return (
        faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d)
        .reshape(index.ntotal, index.d)
        .copy()
    )
