"""The low-rank adapter: file format, merge, which adapter the settings pick, and the index
recording it (a change of adapter rebuilds)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from qa.build.build import build_index
from qa.errors import ModelUnavailable
from qa.model.adapter import merge_adapter, resolve_adapter, save_adapter
from qa.model.embedder import SentenceTransformerEmbedder
from qa.runtime import build_embedder
from qa.settings import BUNDLED_ADAPTER, DEFAULT_MODEL
from tests.support.settings import corpus_settings


class Tiny(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.proj = nn.Linear(3, 2, bias=False)


def test_merge_adds_scale_times_b_at_a_to_the_named_layer(tmp_path):
    model = Tiny()
    before = model.proj.weight.detach().clone()
    a = torch.tensor([[1.0, 0.0, 2.0]])  # rank 1 x in 3
    b = torch.tensor([[0.5], [-1.0]])  # out 2 x rank 1
    save_adapter(tmp_path / "t.safetensors", {"proj": (a, b)}, scale=2.0)

    assert merge_adapter(model, tmp_path / "t.safetensors") == 1

    expected = before + 2.0 * (b @ a)
    assert torch.allclose(model.proj.weight, expected, atol=1e-3)


def test_an_adapter_for_another_shape_or_layer_is_refused_by_name(tmp_path):
    save_adapter(
        tmp_path / "shape.safetensors", {"proj": (torch.ones(1, 4), torch.ones(2, 1))}, 1.0
    )
    save_adapter(tmp_path / "name.safetensors", {"nope": (torch.ones(1, 3), torch.ones(2, 1))}, 1.0)

    with pytest.raises(ModelUnavailable, match="does not fit layer 'proj'"):
        merge_adapter(Tiny(), tmp_path / "shape.safetensors")
    with pytest.raises(ModelUnavailable, match="'nope'"):
        merge_adapter(Tiny(), tmp_path / "name.safetensors")


def test_a_damaged_adapter_file_is_a_clear_model_error(tmp_path):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x00\x01not safetensors")
    with pytest.raises(ModelUnavailable, match="bad.safetensors"):
        merge_adapter(Tiny(), bad)


def test_settings_pick_the_bundled_adapter_for_the_bundled_model_only(tmp_path):
    bundled = resolve_adapter(BUNDLED_ADAPTER, DEFAULT_MODEL)
    assert bundled is not None and bundled.is_file() and bundled.stat().st_size < 3_000_000
    assert resolve_adapter(BUNDLED_ADAPTER, "/models/other-model") is None
    assert resolve_adapter("none", DEFAULT_MODEL) is None
    with pytest.raises(ModelUnavailable, match="does not exist"):
        resolve_adapter(str(tmp_path / "missing.safetensors"), DEFAULT_MODEL)


def test_the_bundled_adapter_changes_the_real_models_embeddings(embedder):
    base = SentenceTransformerEmbedder()
    texts = ["What does PIAS stand for?", "Three PIAS are already in operation."]

    tuned, plain = embedder.embed(texts), base.embed(texts)

    assert "+squad-lora@" in embedder.name and embedder.name != base.name
    cosines = np.sum(tuned * plain, axis=1)
    assert np.all(cosines < 0.999) and np.all(cosines > 0.5)  # adapted, not replaced
    assert np.allclose(np.linalg.norm(tuned, axis=1), 1.0, atol=1e-4)


def test_the_index_records_the_adapter_and_a_change_of_adapter_rebuilds(tmp_path, embedder):
    settings = corpus_settings(tmp_path)
    first = build_index(settings, embedder)
    assert first.changed

    plain = build_embedder(settings.model_copy(update={"adapter": "none"}))
    second = build_index(settings, plain)

    assert second.rebuilt_reason and "squad-lora" in second.rebuilt_reason
    assert second.embedded > 0
