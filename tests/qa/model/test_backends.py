"""Embedding backends: OpenVINO gives torch's vectors with the real model and adapter, the
converted model is saved once and reused, the settings pick the backend, and builds sort
texts by length without changing which row is whose."""

from __future__ import annotations

import shutil
import sys

import numpy as np
import pytest
from pydantic import ValidationError

from qa.build.build import build_index
from qa.errors import ModelUnavailable
from qa.model import backends
from qa.model.adapter import resolve_adapter
from qa.model.embedder import SentenceTransformerEmbedder, embed_in_batches
from qa.runtime import build_embedder
from qa.settings import BUNDLED_ADAPTER, DEFAULT_MODEL, Settings
from tests.support.settings import corpus_settings

TEXTS = [
    "What does PIAS stand for?",
    "Three PIAS are already in operation.",
    "",
    "naïve café — 東京 ½ “quoted” text\twith a tab",
    "Peru had 72,000 hectares of coca under cultivation in 2019. " * 60,  # past 256 tokens
    "a",
]


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


def warmed(backend: str, cache_dir=None) -> SentenceTransformerEmbedder:
    """The bundled model and adapter on ``backend``, one thread, loaded."""
    model = SentenceTransformerEmbedder(
        adapter=resolve_adapter(BUNDLED_ADAPTER, DEFAULT_MODEL),
        threads=1,
        backend=backend,
        cache_dir=cache_dir,
    )
    model.warm()
    return model


@pytest.fixture(scope="module")
def torch_embedder():
    """The reference, named here: the session's ``embedder`` runs whatever is the default."""
    return warmed("torch")


@pytest.fixture(scope="module")
def openvino_embedder(model_cache):
    return warmed("openvino", model_cache)


def test_torch_runs_the_models_modules_and_gives_encodes_vectors(torch_embedder):
    """The torch backend skips ``encode``'s per-call overhead, not any of its work."""
    model = torch_embedder._build.get().model
    expected = model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)

    assert np.abs(torch_embedder.embed(TEXTS) - expected).max() < 1e-5
    assert np.abs(torch_embedder.embed_query(TEXTS[0]) - expected[0]).max() < 1e-5


def test_openvino_gives_torchs_vectors_so_the_index_keeps_its_name(
    torch_embedder, openvino_embedder
):
    torch_vectors = torch_embedder.embed(TEXTS)
    openvino_vectors = openvino_embedder.embed(TEXTS)

    assert openvino_embedder.name == torch_embedder.name  # switching backend does not rebuild
    assert openvino_embedder.dimensions == torch_embedder.dimensions == 384
    assert np.abs(openvino_vectors - torch_vectors).max() < 1e-5
    assert np.allclose(np.linalg.norm(openvino_vectors, axis=1), 1.0, atol=1e-5)
    for text in TEXTS[:2]:  # the question path too
        assert (
            np.abs(openvino_embedder.embed_query(text) - torch_embedder.embed_query(text)).max()
            < 1e-5
        )


def test_token_passes_pool_to_each_backends_own_vectors(torch_embedder, openvino_embedder):
    """Pooled views read chunks token by token; on OpenVINO that pass runs on torch, so an
    index's pooled vectors are the same whichever backend built it."""
    on_torch = torch_embedder.embed_tokens(TEXTS)
    on_openvino = openvino_embedder.embed_tokens(TEXTS)
    wholes = np.array([p.whole() for p in on_torch])

    assert np.abs(wholes - torch_embedder.embed(TEXTS)).max() < 1e-5  # truncation included
    assert np.abs(wholes - openvino_embedder.embed(TEXTS)).max() < 1e-5
    for a, b in zip(on_torch, on_openvino):
        assert (a.offsets == b.offsets).all() and np.abs(a.vectors - b.vectors).max() < 1e-5
    assert len(on_torch[4].offsets) == 256  # cut at the model's input length, as embedding is


def test_openvino_keeps_to_the_configured_threads(openvino_embedder):
    compiled = openvino_embedder._query.get().compiled
    assert compiled.get_property("INFERENCE_NUM_THREADS") == 1
    assert str(compiled.get_property("INFERENCE_PRECISION_HINT")) in ("<Type: 'float32'>", "f32")


def test_the_converted_model_is_saved_once_and_reused(openvino_embedder, model_cache, monkeypatch):
    saved = [p for p in model_cache.iterdir() if not p.name.startswith(".")]
    assert len(saved) == 1 and (saved[0] / "model.xml").is_file()

    def convert_again(*args, **kwargs):
        raise AssertionError("converted again although a saved model exists")

    monkeypatch.setattr(backends, "_convert", convert_again)
    again = SentenceTransformerEmbedder(
        adapter=openvino_embedder.adapter, threads=1, backend="openvino", cache_dir=model_cache
    )
    assert np.abs(again.embed(TEXTS[:2]) - openvino_embedder.embed(TEXTS[:2])).max() < 1e-6


def test_a_damaged_saved_model_is_converted_again(openvino_embedder, model_cache, tmp_path):
    cache = tmp_path / "models"
    shutil.copytree(model_cache, cache)
    (folder,) = [p for p in cache.iterdir() if not p.name.startswith(".")]
    (folder / "model.bin").write_bytes(b"torn")

    again = SentenceTransformerEmbedder(
        adapter=openvino_embedder.adapter, threads=1, backend="openvino", cache_dir=cache
    )
    assert np.abs(again.embed(TEXTS[:2]) - openvino_embedder.embed(TEXTS[:2])).max() < 1e-6
    assert (folder / "model.bin").stat().st_size > 1_000_000


def test_a_model_that_converts_wrong_is_run_on_torch_instead(
    torch_embedder, tmp_path, monkeypatch, caplog
):
    def disagree(ov, converted, st, name):
        raise backends.NotConvertible(f"{name} converted to OpenVINO differs from torch by 1")

    monkeypatch.setattr(backends, "_check", disagree)
    fallback = SentenceTransformerEmbedder(
        adapter=torch_embedder.adapter, threads=1, backend="openvino", cache_dir=tmp_path
    )

    vectors = fallback.embed(TEXTS[:2])
    assert np.abs(vectors - torch_embedder.embed(TEXTS[:2])).max() < 1e-6
    assert isinstance(fallback._build.get(), backends.TorchBackend)
    assert "embedding with torch instead" in caplog.text
    assert not [p for p in tmp_path.iterdir()]  # nothing saved for next time


def test_bf16_is_named_apart_because_its_vectors_differ(torch_embedder, model_cache):
    bf16 = SentenceTransformerEmbedder(
        adapter=resolve_adapter(BUNDLED_ADAPTER, DEFAULT_MODEL),
        threads=1,
        backend="openvino-bf16",
        cache_dir=model_cache,
    )
    vectors = bf16.embed(TEXTS)

    assert bf16.name == torch_embedder.name + "+bf16"
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    cosines = np.sum(vectors * torch_embedder.embed(TEXTS), axis=1)
    assert np.all(cosines > 0.995)  # close, though not to float rounding on a bf16 CPU


@pytest.fixture(scope="module")
def torch_bf16_embedder():
    return warmed("torch-bf16")


def test_torch_bf16_is_close_to_fp32_and_named_apart(torch_embedder, torch_bf16_embedder):
    vectors = torch_bf16_embedder.embed(TEXTS)
    cosines = np.sum(vectors * torch_embedder.embed(TEXTS), axis=1)

    assert torch_bf16_embedder.name == torch_embedder.name + "+bf16"
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.all(cosines > 0.999)
    if backends.resolve_backend("auto") == "torch-bf16":  # a CPU with bf16 arithmetic
        assert not np.array_equal(vectors, torch_embedder.embed(TEXTS))  # bf16 really ran
    # Questions stay in fp32, so a question's vector never depends on its batch.
    question = torch_bf16_embedder.embed_query(TEXTS[0])
    assert np.abs(question - torch_embedder.embed_query(TEXTS[0])).max() < 1e-5


def test_torch_bf16_token_passes_pool_to_its_own_vectors(torch_bf16_embedder):
    passes = torch_bf16_embedder.embed_tokens(TEXTS)
    wholes = np.array([p.whole() for p in passes])

    assert np.all(np.sum(wholes * torch_bf16_embedder.embed(TEXTS), axis=1) > 0.9999)
    assert all(p.vectors.dtype == np.float32 for p in passes)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ("flags : fpu sse2 avx2 avx512f amx_bf16 amx_tile", "torch-bf16"),
        ("flags : fpu sse2 avx2 avx512f avx512_bf16", "torch-bf16"),
        ("flags : fpu sse2 avx2 avx512f avx512_bf16x", "torch"),  # whole flags only
        ("flags : fpu sse2 avx2", "torch"),
        ("", "torch"),
    ],
)
def test_auto_takes_bf16_only_where_the_cpu_multiplies_it(flags, expected):
    assert backends.resolve_backend("auto", flags) == expected
    assert backends.resolve_backend("openvino", flags) == "openvino"  # a choice is kept


def test_an_index_built_on_torch_is_kept_when_switching_to_openvino(
    tmp_path, torch_embedder, openvino_embedder
):
    settings = corpus_settings(tmp_path)
    build_index(settings, torch_embedder)

    report = build_index(settings, openvino_embedder)

    assert not report.changed and not report.rebuilt_reason


def test_settings_pick_the_backend_and_refuse_an_unknown_one(tmp_path, monkeypatch):
    monkeypatch.delenv("QA_BACKEND", raising=False)
    settings = Settings(_env_file=None, index_dir=tmp_path / "index")
    assert settings.backend == "auto"  # OpenVINO built no faster; bf16 where the CPU has it
    assert build_embedder(settings).backend == backends.resolve_backend("auto")
    monkeypatch.setenv("QA_BACKEND", "openvino")
    settings = Settings(_env_file=None, index_dir=tmp_path / "index")
    embedder = build_embedder(settings)
    assert settings.backend == "openvino" and embedder.backend == "openvino"

    monkeypatch.setenv("QA_BACKEND", "onnx")
    with pytest.raises(ValidationError, match="openvino"):
        Settings(_env_file=None)


def test_without_the_openvino_package_the_error_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openvino", None)  # import openvino now fails
    embedder = SentenceTransformerEmbedder(backend="openvino", cache_dir=tmp_path)
    with pytest.raises(ModelUnavailable, match=r"qa-bot\[openvino\]"):
        embedder.embed(["x"])


def test_length_sorted_batches_come_back_in_the_callers_order():
    texts = ["ccc", "a", "bbbbb", "dd", "e" * 9, "f"]
    batches = []

    def run(batch):
        batches.append(list(batch))
        return np.array([[len(t), ord(t[0])] for t in batch], dtype=np.float32)

    out = embed_in_batches(run, texts, batch_size=2)

    assert [[len(t) for t in b] for b in batches] == [[9, 5], [3, 2], [1, 1]]
    assert out.tolist() == [[len(t), ord(t[0])] for t in texts]
    batches.clear()
    embed_in_batches(run, texts, batch_size=2, sort=False)
    assert batches == [["ccc", "a"], ["bbbbb", "dd"], ["e" * 9, "f"]]


def test_a_sorted_build_gives_each_text_its_own_vector(embedder):
    """Whichever backend is the default (the session's model). In bf16 a batch's shape
    moves the rounding, so a text alone and in a batch agree to bf16's precision only."""
    texts = [TEXTS[4], "short", TEXTS[0], "a somewhat longer sentence about coca", ""]

    together = embedder.embed(texts)
    alone = np.vstack([embedder.embed([t]) for t in texts])

    tolerance = 5e-3 if embedder.backend.endswith("-bf16") else 1e-5
    assert np.abs(together - alone).max() < tolerance
    assert (np.argmax(together @ alone.T, axis=1) == np.arange(len(texts))).all()
