"""One segment on disk: documents, their chunk and sentence spans, and their vectors.

A segment is written once into a temporary folder, checksummed, moved into
``segments/<id>`` and never modified; versions list the segments they are made of
(qa.index.store). SQLite holds the text, spans and full-text index; qa.index.vectors
holds the vectors of each view. Rows number a segment's chunks and sentences from 0 in
the order written, and a document's rows are contiguous.

A process opens each segment once (``open_segment``): the versions it serves one after
another share the segments they have in common, so loading a new version reads only
its new segment.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.errors import IndexCorrupt, NoIndex
from qa.index import layout
from qa.index import manifest as manifests
from qa.index import vectors as vector_files
from qa.index.lexical import chunk_terms
from qa.index.manifest import Counts, SegmentManifest
from qa.index.views import CHUNKS, SEARCHED, VECTOR_FILES
from qa.models import Chunk, Document, Section, Sentence

DB = "store.sqlite"

_SCHEMA = """
CREATE TABLE documents (id TEXT PRIMARY KEY, title TEXT, source TEXT, path TEXT, text TEXT,
                        content_hash TEXT, pages TEXT, sections TEXT, code TEXT);
CREATE TABLE chunks (row INTEGER PRIMARY KEY, id TEXT, document_id TEXT, start INT, end INT);
CREATE TABLE sentences (row INTEGER PRIMARY KEY, document_id TEXT, start INT, end INT);
CREATE VIRTUAL TABLE chunks_fts USING fts5(terms, tokenize = 'unicode61');
CREATE VIRTUAL TABLE chunks_vocab USING fts5vocab(chunks_fts, 'row');
"""


@dataclass(frozen=True)
class SegmentData:
    """What a new segment holds; ``vectors(view)`` gives a view's float32 rows in order
    (asked for one view at a time, so a large merge never holds every view at once)."""

    documents: list[Document]
    chunks: list[Chunk]
    sentences: list[Sentence]
    vectors: Callable[[str], np.ndarray]


def file_name(view: str) -> str:
    return f"{view}.faiss" if view in SEARCHED else f"{view}.npy"


def write_segment(
    index_dir: Path, data: SegmentData, model: str, storage: vector_files.Storage
) -> str:
    """Write ``data`` as a new segment of ``index_dir``; returns its id."""
    segment_id = layout.new_version_id()
    tmp = layout.tmp_folder(index_dir, segment_id)
    tmp.mkdir(parents=True)
    _write_rows(tmp / DB, data)
    searchable, dims = {}, 0
    for view in VECTOR_FILES:
        vectors = data.vectors(view)
        expected = len(data.chunks) if view == CHUNKS else len(data.sentences)
        if vectors.shape[0] != expected:
            raise ValueError(f"{view}: {vectors.shape[0]} vectors for {expected} rows")
        dims = vectors.shape[1]
        if view in SEARCHED:
            index = vector_files.build_searchable(vectors, storage)
            searchable[view] = "ivf" if vectors.shape[0] >= storage.ivf_threshold else "flat"
            vector_files.write_searchable(index, tmp / file_name(view))
        else:
            vector_files.write_stored(vectors, tmp / file_name(view), storage)
        del vectors
    manifest = SegmentManifest(
        id=segment_id,
        model=model,
        dimensions=dims,
        counts=Counts(len(data.documents), len(data.chunks), len(data.sentences)),
        codes=storage.codes,
        searchable=searchable,
        files={p.name: sha256(p) for p in sorted(tmp.iterdir())},
    )
    write_manifest(tmp, manifests.SEGMENT_FILE, manifest.to_json())
    layout.place(tmp, layout.segments_dir(index_dir) / segment_id)
    return segment_id


def _write_rows(path: Path, data: SegmentData) -> None:
    with sqlite3.connect(path) as db:
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (
                    d.id,
                    d.title,
                    d.source,
                    d.path,
                    d.text,
                    d.content_hash,
                    json.dumps(d.pages),
                    sections_json(d.sections),
                    json.dumps(d.code),
                )
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
            (
                (i, " ".join(chunk_terms(titles[c.document_id], c.text)))
                for i, c in enumerate(data.chunks)
            ),
        )
    db.close()


def sections_json(sections: tuple[Section, ...]) -> str:
    """A document's sections as stored: [[start, [heading, ...], anchor], ...]."""
    return json.dumps([[s.start, list(s.path), s.anchor] for s in sections])


def sections_from_json(text: str) -> tuple[Section, ...]:
    return tuple(
        Section(int(start), tuple(path), anchor) for start, path, anchor in json.loads(text)
    )


def write_manifest(folder: Path, name: str, text: str) -> None:
    """Write a folder's manifest last, after everything else in it is durable."""
    tmp = folder / (name + ".tmp")
    tmp.write_text(text)
    _fsync_tree(folder)
    tmp.rename(folder / name)


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with path.open("rb") as fh:
            os.fsync(fh.fileno())


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Rows:
    """A document's rows in its segment: sentences [s_from, s_to), chunks [c_from, c_to)."""

    s_from: int
    s_to: int
    c_from: int
    c_to: int


class SegmentReader:
    """A loaded segment; read-only and safe to share between threads and versions."""

    def __init__(self, folder: Path, nprobe: int) -> None:
        self.folder = folder
        self.id = folder.name
        try:
            fd = layout.lease(folder)
        except FileNotFoundError as exc:
            raise NoIndex(f"segment {self.id} is missing from {folder.parent}") from exc
        weakref.finalize(self, os.close, fd)
        self.manifest = manifests.read_segment(folder)
        for name in (file_name(v) for v in VECTOR_FILES):
            if name not in self.manifest.files:
                raise IndexCorrupt(f"segment {self.id} has no {name}; run `qa index --full`")
        for name, expected in self.manifest.files.items():
            if not (folder / name).exists() or sha256(folder / name) != expected:
                raise IndexCorrupt(
                    f"segment {self.id}: {name} is missing or does not match its checksum"
                )
        self._stamps = _stamps(folder, self.manifest.files)
        self._local = threading.local()
        try:
            self._load_rows()
        except sqlite3.DatabaseError as exc:
            raise IndexCorrupt(f"segment {self.id}: unreadable {DB}: {exc}") from exc
        self.searchable = {
            v: vector_files.Searchable(folder / file_name(v), nprobe) for v in SEARCHED
        }
        self.stored = {
            v: vector_files.Stored(folder / file_name(v)) for v in VECTOR_FILES if v not in SEARCHED
        }
        counts = {v: s.rows for v, s in {**self.searchable, **self.stored}.items()}
        expected = {v: self.chunk_count if v == CHUNKS else self.sentence_count for v in counts}
        if counts != expected:
            raise IndexCorrupt(f"segment {self.id}: vector and row counts disagree")

    def _load_rows(self) -> None:
        db = self.db()
        self.documents: dict[str, Document] = {}
        for row in db.execute(
            "SELECT id, title, source, path, text, content_hash, pages, sections, code "
            "FROM documents ORDER BY rowid"
        ):
            self.documents[row[0]] = Document(
                *row[:6],
                pages=tuple(tuple(p) for p in json.loads(row[6])),
                sections=sections_from_json(row[7]),
                code=tuple(tuple(span) for span in json.loads(row[8])),
            )
        self._docs = list(self.documents.values())
        position = {d.id: i for i, d in enumerate(self._docs)}
        chunks = db.execute(
            "SELECT id, document_id, start, end FROM chunks ORDER BY row"
        ).fetchall()
        self._chunk_ids = [c[0] for c in chunks]
        self._chunk_spans = _spans([(position[c[1]], c[2], c[3]) for c in chunks])
        del chunks
        sentences = db.execute(
            "SELECT document_id, start, end FROM sentences ORDER BY row"
        ).fetchall()
        self._sentence_spans = _spans([(position[s[0]], s[1], s[2]) for s in sentences])
        del sentences
        self.rows = {
            d.id: Rows(*_range(self._sentence_spans, i), *_range(self._chunk_spans, i))
            for i, d in enumerate(self._docs)
        }

    def unchanged_on_disk(self) -> bool:
        """False when a file changed size or time since its checksum was verified (a stray
        write, a restore): the segment must be verified again before it is used."""
        try:
            return _stamps(self.folder, self.manifest.files) == self._stamps
        except FileNotFoundError:
            return False

    @property
    def chunk_count(self) -> int:
        return len(self._chunk_ids)

    @property
    def sentence_count(self) -> int:
        return len(self._sentence_spans)

    def chunk(self, row: int) -> Chunk:
        doc, start, end = self._chunk_spans[row]
        document = self._docs[doc]
        return Chunk(
            self._chunk_ids[row], document.id, int(start), int(end), document.text[start:end]
        )

    def sentence(self, row: int) -> Sentence:
        doc, start, end = self._sentence_spans[row]
        document = self._docs[doc]
        return Sentence(document.id, int(start), int(end), document.text[start:end])

    def db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            uri = f"file:{self.folder / DB}?mode=ro&immutable=1"
            db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.db = db
        return db

    def vectors(self, view: str, rows: np.ndarray) -> np.ndarray:
        source = self.searchable.get(view) or self.stored[view]
        return source.vectors(rows)

    @property
    def vector_bytes(self) -> int:
        """Bytes of vectors held in memory (the mapped views are read on demand)."""
        return sum(s.nbytes for s in self.searchable.values())


def _stamps(folder: Path, names) -> dict[str, tuple[int, int]]:
    stats = {name: (folder / name).stat() for name in names}
    return {name: (st.st_size, st.st_mtime_ns) for name, st in stats.items()}


def _spans(rows: list[tuple[int, int, int]]) -> np.ndarray:
    return np.array(rows, dtype=np.int64).reshape(-1, 3)


def _range(spans: np.ndarray, doc: int) -> tuple[int, int]:
    docs = spans[:, 0]
    return int(np.searchsorted(docs, doc, "left")), int(np.searchsorted(docs, doc, "right"))


_open: weakref.WeakValueDictionary[tuple[str, int], SegmentReader] = weakref.WeakValueDictionary()
_open_lock = threading.Lock()


def open_segment(folder: Path, nprobe: int) -> SegmentReader:
    """The process's loaded copy of a segment, loading (and verifying) it on first use and
    again whenever one of its files changed on disk since."""
    key = (str(folder.resolve()), nprobe)
    with _open_lock:
        reader = _open.get(key)
        if reader is None or not reader.unchanged_on_disk():
            reader = SegmentReader(folder, nprobe)
            _open[key] = reader
        return reader
