"""The embedding cache: embeds each text once, refreshes once per build, prunes what is unused."""

from __future__ import annotations

import sqlite3

import numpy as np

from qa.index.cache import EmbeddingCache
from tests.support.embedders import FakeEmbedder


def rows(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]


def test_cached_texts_are_not_embedded_again_and_keep_their_order(tmp_path):
    model = FakeEmbedder()
    path = tmp_path / "cache.sqlite"
    first = EmbeddingCache(path, model.name)
    a, made = first.embed(["alpha", "beta", "alpha"], model.embed, model.dimensions)
    first.close()
    second = EmbeddingCache(path, model.name)
    b, again = second.embed(["beta", "alpha", "gamma"], model.embed, model.dimensions)
    second.close()

    assert made == 2 and again == 1
    assert model.calls == [["alpha", "beta"], ["gamma"]]
    np.testing.assert_array_equal(a[0], a[2])
    np.testing.assert_array_equal(b[0], a[1])
    np.testing.assert_array_equal(b[1], a[0])


def test_refresh_embeds_every_text_once_even_when_two_views_share_it(tmp_path):
    model = FakeEmbedder()
    path = tmp_path / "cache.sqlite"
    EmbeddingCache(path, model.name).embed(["alpha", "beta"], model.embed, model.dimensions)
    model.calls.clear()

    cache = EmbeddingCache(path, model.name, refresh=True)
    _, first = cache.embed(["alpha", "beta"], model.embed, model.dimensions)
    _, second = cache.embed(["beta", "delta"], model.embed, model.dimensions)
    cache.close()

    assert (first, second) == (2, 1)
    assert model.calls == [["alpha", "beta"], ["delta"]]


def test_prune_keeps_exactly_the_vectors_this_build_asked_for(tmp_path):
    model = FakeEmbedder()
    path = tmp_path / "cache.sqlite"
    old = EmbeddingCache(path, model.name)
    old.embed(["alpha", "beta", "gamma"], model.embed, model.dimensions)
    old.close()
    other_model = FakeEmbedder("other-model")
    stale = EmbeddingCache(path, other_model.name)
    stale.embed(["alpha"], other_model.embed, other_model.dimensions)
    stale.close()
    assert rows(path) == 4

    build = EmbeddingCache(path, model.name)
    build.embed(["beta", "delta"], model.embed, model.dimensions)
    gone = build.prune()
    build.close()

    assert gone == 3  # alpha and gamma of this model, alpha of the other
    assert rows(path) == 2
    model.calls.clear()
    check = EmbeddingCache(path, model.name)
    _, embedded = check.embed(["beta", "delta", "alpha"], model.embed, model.dimensions)
    check.close()
    assert embedded == 1 and model.calls == [["alpha"]]
