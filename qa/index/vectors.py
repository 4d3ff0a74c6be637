"""The vectors of one segment view: how they are stored and searched. The one module that
uses FAISS.

Each vector is held once. A view that is searched (chunks, sentences) is a FAISS index
whose codes are the only copy: search runs on it and cosines for given rows are decoded
from it. Exact search (a flat index) is used below ``Storage.ivf_threshold`` rows; above
it an inverted-file index (IVF) with ``nlist = sqrt(rows)`` lists, ``nprobe`` of them
visited per query, which bench/scale.py tunes to keep recall@10 against exact search at
0.98 or more. A view that is only read for cosines of known rows is a plain ``.npy`` array
mapped from disk, so only the rows a question touches are read.

Codes are float16 by default: half the memory of float32, with the same answers
(bench/scale.py and bench/wikiqa.py measure both).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from qa.errors import IndexCorrupt

STORAGES = ("fp32", "fp16")
MAX_TRAINING_PER_LIST = 100


@dataclass(frozen=True)
class Storage:
    """How a segment's vectors are written (from settings)."""

    codes: str = "fp16"  # one of STORAGES
    ivf_threshold: int = 50_000  # rows from which a searched view is an IVF index
    nprobe: int = 32

    def __post_init__(self) -> None:
        if self.codes not in STORAGES:
            raise ValueError(f"vector storage must be one of {STORAGES}, got {self.codes!r}")

    @property
    def dtype(self) -> type:
        return np.float16 if self.codes == "fp16" else np.float32


def set_threads(threads: int) -> None:
    """Cap FAISS's OpenMP threads for this process (0 leaves the default)."""
    if threads > 0:
        faiss.omp_set_num_threads(threads)


def nlist_for(rows: int) -> int:
    return max(1, int(math.sqrt(rows)))


def build_searchable(vectors: np.ndarray, storage: Storage) -> faiss.Index:
    """A FAISS index over ``vectors`` (unit length, float32), exact or IVF by size."""
    rows, dims = vectors.shape
    codes = faiss.ScalarQuantizer.QT_fp16
    if rows < storage.ivf_threshold:
        if storage.codes == "fp32":
            index = faiss.IndexFlatIP(dims)
        else:
            index = faiss.IndexScalarQuantizer(dims, codes, faiss.METRIC_INNER_PRODUCT)
        index.add(vectors)
        return index
    nlist = nlist_for(rows)
    quantizer = faiss.IndexFlatIP(dims)
    if storage.codes == "fp32":
        index = faiss.IndexIVFFlat(quantizer, dims, nlist, faiss.METRIC_INNER_PRODUCT)
    else:
        index = faiss.IndexIVFScalarQuantizer(
            quantizer, dims, nlist, codes, faiss.METRIC_INNER_PRODUCT
        )
    quantizer.this.disown()  # the IVF index owns and frees its quantizer
    index.own_fields = True
    sample = min(rows, nlist * MAX_TRAINING_PER_LIST)
    picked = np.sort(np.random.default_rng(0).choice(rows, size=sample, replace=False))
    index.train(vectors[picked])
    index.add(vectors)
    index.make_direct_map()  # rows -> codes, for cosines of given rows
    index.nprobe = storage.nprobe
    return index


def write_searchable(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def write_stored(vectors: np.ndarray, path: Path, storage: Storage) -> None:
    with path.open("wb") as fh:
        np.save(fh, vectors.astype(storage.dtype, copy=False), allow_pickle=False)


class Searchable:
    """A loaded FAISS index: search with rows left out, and the vectors of given rows."""

    def __init__(self, path: Path, nprobe: int) -> None:
        try:
            self.index = faiss.read_index(str(path))
        except RuntimeError as exc:
            raise IndexCorrupt(f"unreadable vectors in {path}: {exc}") from exc
        self.nprobe = nprobe
        self.ivf = isinstance(self.index, faiss.IndexIVF)
        if self.ivf:
            self.index.nprobe = nprobe

    @property
    def rows(self) -> int:
        return self.index.ntotal

    @property
    def dims(self) -> int:
        return self.index.d

    @property
    def nbytes(self) -> int:
        """Bytes of codes (and, for IVF, row ids and the row map) held in memory."""
        per_row = self.index.code_size if hasattr(self.index, "code_size") else 4 * self.dims
        return self.rows * (per_row + (16 if self.ivf else 0))

    def search(
        self, query: np.ndarray, k: int, exclude: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        k = min(k, self.rows)
        if k <= 0:
            return []
        params = None
        if exclude is not None and len(exclude):
            selector = faiss.IDSelectorNot(faiss.IDSelectorBatch(exclude))
            params = (
                faiss.SearchParametersIVF(sel=selector, nprobe=self.nprobe)
                if self.ivf
                else faiss.SearchParameters(sel=selector)
            )
        scores, rows = self.index.search(query.reshape(1, -1), k, params=params)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        if len(rows) == 0:
            return np.zeros((0, self.dims), dtype=np.float32)
        return self.index.reconstruct_batch(np.asarray(rows, dtype=np.int64))

    def all(self) -> np.ndarray:
        return self.index.reconstruct_n(0, self.rows) if self.rows else self.vectors([])


class Stored:
    """A view read only for cosines of known rows: an array mapped from disk."""

    def __init__(self, path: Path) -> None:
        try:
            self.array = np.load(path, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(f"unreadable vectors in {path}: {exc}") from exc
        if self.array.ndim != 2:
            raise IndexCorrupt(f"{path} holds an array of shape {self.array.shape}")

    @property
    def rows(self) -> int:
        return self.array.shape[0]

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.array[np.asarray(rows, dtype=np.int64)], dtype=np.float32)

    def all(self) -> np.ndarray:
        return np.asarray(self.array, dtype=np.float32)
