"""Vector storage and search: exact below the threshold, IVF above it, rows left out."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from qa.errors import IndexCorrupt
from qa.index import vectors
from qa.index.vectors import Searchable, Storage, Stored


def _unit(n: int, dims: int = 32, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dims)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize("codes", ["fp16", "fp32"])
@pytest.mark.parametrize("rows", [500, 5000])
def test_the_index_kind_follows_the_size_and_keeps_every_vector(tmp_path, codes, rows):
    x = _unit(rows)
    storage = Storage(codes, ivf_threshold=2000, nprobe=64)
    path = tmp_path / "v.faiss"
    vectors.write_searchable(vectors.build_searchable(x, storage), path)
    index = Searchable(path, storage.nprobe)
    assert index.ivf == (rows >= 2000) and index.rows == rows
    tolerance = 1e-3 if codes == "fp16" else 1e-6
    picked = np.array([0, 7, rows - 1])
    assert np.allclose(index.vectors(picked), x[picked], atol=tolerance)
    assert np.allclose(index.all(), x, atol=tolerance)
    hits = index.search(x[7], 3)
    assert hits[0][0] == 7 and abs(hits[0][1] - 1.0) < 1e-2  # a vector finds itself


def test_left_out_rows_are_never_returned(tmp_path):
    x = _unit(3000)
    for threshold in (100_000, 1000):  # flat, then IVF
        path = tmp_path / f"v{threshold}.faiss"
        vectors.write_searchable(vectors.build_searchable(x, Storage("fp16", threshold, 64)), path)
        index = Searchable(path, 64)
        top = [r for r, _ in index.search(x[5], 10)]
        gone = np.array(top[:4], dtype=np.int64)
        again = [r for r, _ in index.search(x[5], 10, exclude=gone)]
        assert not set(again) & set(gone.tolist()) and len(again) == 10
        assert again[:6] == top[4:]


def test_ivf_recall_against_exact_search_on_clustered_vectors(tmp_path):
    centres = _unit(200, dims=64, seed=1)
    rng = np.random.default_rng(2)
    x = centres[rng.integers(0, 200, 20_000)] + 0.08 * rng.standard_normal((20_000, 64))
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    queries = centres[:100] + 0.1 * rng.standard_normal((100, 64))  # questions near the data
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    exact = faiss.IndexFlatIP(64)
    exact.add(x)
    _, truth = exact.search(queries, 10)
    path = tmp_path / "ivf.faiss"
    vectors.write_searchable(vectors.build_searchable(x, Storage("fp16", 1000, 32)), path)
    index = Searchable(path, 32)
    found = [[r for r, _ in index.search(q, 10)] for q in queries]
    recall = np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)])
    assert index.ivf and recall >= 0.98


def test_stored_views_are_mapped_and_damage_is_refused(tmp_path):
    x = _unit(50)
    path = tmp_path / "withnext.npy"
    vectors.write_stored(x, path, Storage("fp16"))
    stored = Stored(path)
    assert isinstance(stored.array, np.memmap) and stored.array.dtype == np.float16
    assert np.allclose(stored.vectors(np.array([3, 1])), x[[3, 1]], atol=1e-3)
    path.write_bytes(b"not an array")
    with pytest.raises(IndexCorrupt, match="withnext.npy"):
        Stored(path)


def test_an_unknown_storage_is_refused():
    with pytest.raises(ValueError, match="fp16"):
        Storage("int3")
