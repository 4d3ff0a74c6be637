"""One index version: an ordered list of segments, less the documents deleted from them.

A version folder holds only its manifest (qa.index.manifest), written last and never
modified; the segments it lists live in ``segments/`` and are shared with the versions
before and after it. Rows number the chunks (and sentences) of the first segment, then
the second, and so on; the rows of deleted documents keep their numbers but are never
returned by a search, and their documents are gone from ``documents``.
"""

from __future__ import annotations

import bisect
import logging
import os
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from qa.errors import IndexCorrupt, NoIndex
from qa.index import layout
from qa.index import manifest as manifests
from qa.index.lexical import fts_query, idf
from qa.index.manifest import Manifest
from qa.index.segment import SegmentReader, open_segment, write_manifest
from qa.index.views import CHUNKS
from qa.models import Chunk, Document, Sentence

logger = logging.getLogger(__name__)


def write_version(folder: Path, manifest: Manifest) -> None:
    """Write a version's manifest into the new, empty ``folder``."""
    folder.mkdir(parents=True, exist_ok=False)
    write_manifest(folder, manifests.FILE, manifest.to_json())


class _Part:
    """One segment as a version sees it: where its rows start, and which are deleted."""

    def __init__(
        self, segment: SegmentReader, deleted: tuple[str, ...], chunk0: int, sentence0: int
    ) -> None:
        self.segment = segment
        self.chunk0 = chunk0
        self.sentence0 = sentence0
        gone = [segment.rows[d] for d in deleted if d in segment.rows]
        self.dead_chunks = _row_array([(r.c_from, r.c_to) for r in gone])
        self.dead_chunk_set = frozenset(self.dead_chunks.tolist())  # for lexical hits
        self.dead_sentences = _row_array([(r.s_from, r.s_to) for r in gone])
        self.deleted = set(deleted)

    def dead(self, view: str) -> np.ndarray:
        return self.dead_chunks if view == CHUNKS else self.dead_sentences

    def first_row(self, view: str) -> int:
        return self.chunk0 if view == CHUNKS else self.sentence0


def _row_array(ranges: list[tuple[int, int]]) -> np.ndarray:
    if not ranges:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([np.arange(a, b, dtype=np.int64) for a, b in ranges])


class _RowList(Sequence):
    """Chunks or sentences of a version by row, made on access from the segments' spans."""

    def __init__(self, starts: list[int], total: int, parts: list[_Part], chunks: bool):
        self._starts, self._total, self._parts, self._chunks = starts, total, parts, chunks

    def __len__(self) -> int:
        return self._total

    def __getitem__(self, row):  # type: ignore[override]
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(self._total))]
        if row < 0:
            row += self._total
        if not 0 <= row < self._total:
            raise IndexError(row)
        i = bisect.bisect_right(self._starts, row) - 1
        part = self._parts[i]
        local = row - self._starts[i]
        return part.segment.chunk(local) if self._chunks else part.segment.sentence(local)

    def __iter__(self) -> Iterator:
        for i in range(self._total):
            yield self[i]


class VersionReader:
    """A loaded, read-only index version. Safe to share between threads."""

    def __init__(self, folder: Path, nprobe: int = 32) -> None:
        self.folder = folder
        try:
            fd = layout.lease(folder)
        except FileNotFoundError as exc:
            raise NoIndex(f"index version folder {folder} does not exist") from exc
        weakref.finalize(self, os.close, fd)
        self.manifest = manifests.read(folder)
        segments_dir = layout.segments_dir(folder.parent.parent)
        self.parts: list[_Part] = []
        chunk0 = sentence0 = 0
        for ref in self.manifest.segments:
            segment = open_segment(segments_dir / ref.id, nprobe)
            if segment.manifest.model != self.manifest.model:
                raise IndexCorrupt(
                    f"segment {ref.id} was built with {segment.manifest.model!r}, its version "
                    f"with {self.manifest.model!r}"
                )
            self.parts.append(_Part(segment, ref.deleted, chunk0, sentence0))
            chunk0 += segment.chunk_count
            sentence0 += segment.sentence_count
        self.documents: dict[str, Document] = {}
        self._home: dict[str, _Part] = {}
        for part in self.parts:
            for doc_id, document in part.segment.documents.items():
                if doc_id in part.deleted:
                    continue
                if doc_id in self.documents:
                    raise IndexCorrupt(f"document {doc_id} is live in two segments of {folder}")
                self.documents[doc_id] = document
                self._home[doc_id] = part
        self.chunks: Sequence[Chunk] = _RowList(
            [p.chunk0 for p in self.parts], chunk0, self.parts, chunks=True
        )
        self.sentences: Sequence[Sentence] = _RowList(
            [p.sentence0 for p in self.parts], sentence0, self.parts, chunks=False
        )

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def vector_bytes(self) -> int:
        return sum(p.segment.vector_bytes for p in self.parts)

    def sentence_rows(self, document_id: str) -> list[int]:
        return self._rows(document_id, chunks=False)

    def chunk_rows(self, document_id: str) -> list[int]:
        return self._rows(document_id, chunks=True)

    def _rows(self, document_id: str, chunks: bool) -> list[int]:
        """A live document's rows (none for a deleted or unknown one), in order."""
        part = self._home.get(document_id)
        if part is None:
            return []
        rows = part.segment.rows[document_id]
        if chunks:
            return list(range(part.chunk0 + rows.c_from, part.chunk0 + rows.c_to))
        return list(range(part.sentence0 + rows.s_from, part.sentence0 + rows.s_to))

    def home(self, document_id: str) -> str:
        """The id of the segment holding a live document."""
        return self._home[document_id].segment.id

    def neighbour_text(self, row: int) -> str:
        """The sentence before ``row`` in the same document, or ''."""
        if row <= 0:
            return ""
        before, this = self.sentences[row - 1], self.sentences[row]
        return before.text if before.document_id == this.document_id else ""

    def dense_search(self, name: str, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        found: list[tuple[int, float]] = []
        for part in self.parts:
            hits = part.segment.searchable[name].search(query, k, part.dead(name))
            first = part.first_row(name)
            found += [(first + row, score) for row, score in hits]
        return sorted(found, key=lambda hit: -hit[1])[:k]

    def cosines(self, view: str, rows: list[int], query: np.ndarray) -> np.ndarray:
        """cosine(query, row) under ``view`` for each of ``rows``, in their order."""
        return self.vectors(view, rows) @ query

    def vectors(self, view: str, rows: list[int]) -> np.ndarray:
        """The stored vectors of ``rows`` under ``view`` (float32), in their order."""
        rows_array = np.asarray(rows, dtype=np.int64)
        dims = self.manifest.dimensions
        out = np.zeros((len(rows_array), dims), dtype=np.float32)
        starts = np.array([p.first_row(view) for p in self.parts], dtype=np.int64)
        which = np.searchsorted(starts, rows_array, side="right") - 1
        for i in np.unique(which):
            mask = which == i
            out[mask] = self.parts[i].segment.vectors(view, rows_array[mask] - starts[i])
        return out

    def lexical_search(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        """BM25 over chunks (title included); higher is better. Each segment ranks by its
        own statistics; merging keeps segments few, so the scores stay comparable."""
        query = fts_query(terms)
        if not query:
            return []
        found: list[tuple[int, float]] = []
        for part in self.parts:
            dead = part.dead_chunk_set
            rows = part.segment.db().execute(
                "SELECT rowid, -bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ? "
                "ORDER BY bm25(chunks_fts) LIMIT ?",
                (query, k + len(dead)),
            )
            found += [(part.chunk0 + int(r), float(s)) for r, s in rows if int(r) not in dead]
        return sorted(found, key=lambda hit: -hit[1])[:k]

    def terms_like(self, term: str, spread: int) -> list[str]:
        """Terms of the chunks' BM25 vocabulary that start as ``term`` does, with a length
        within ``spread`` of its own (candidates for a misspelt word)."""
        if not term:
            return []
        first = term[0]
        found: set[str] = set()
        for part in self.parts:
            found.update(
                t
                for (t,) in part.segment.db().execute(
                    "SELECT term FROM chunks_vocab WHERE term >= ? AND term < ? "
                    "AND length(term) BETWEEN ? AND ?",
                    (first, chr(ord(first) + 1), len(term) - spread, len(term) + spread),
                )
            )
        return sorted(found)

    def idf(self, terms: list[str]) -> dict[str, float]:
        """Inverse document frequency of each term over chunks (unseen terms get the maximum)."""
        unique = list(dict.fromkeys(terms))
        found: dict[str, int] = {}
        if unique:
            marks = ",".join("?" * len(unique))
            for part in self.parts:
                for term, count in part.segment.db().execute(
                    f"SELECT term, doc FROM chunks_vocab WHERE term IN ({marks})", unique
                ):
                    found[term] = found.get(term, 0) + count
        n = len(self.chunks)  # like the frequencies, counting deleted rows until a merge
        return {t: idf(found.get(t, 0), n) for t in unique}
