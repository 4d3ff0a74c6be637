"""Low-rank adapters (LoRA) over the embedding model: the file format and the merge.

An adapter is a small safetensors file holding, for each adapted linear layer of the
transformer, two matrices ``A`` (rank x in) and ``B`` (out x rank) and one ``scale``.
Loading merges them into the base weights once (``W += scale * B @ A``), so a query
costs exactly what the base model costs. Training lives in ``training/train_model.py``; the
bundled adapter was trained there on SQuAD v1.1 train paragraphs (CC BY-SA 4.0).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from qa.errors import ModelUnavailable
from qa.settings import BUNDLED_ADAPTER, DEFAULT_MODEL

_BUNDLED_PATH = Path(__file__).with_name("adapters") / "squad-lora.safetensors"


def resolve_adapter(adapter: str, model: str) -> Path | None:
    """The adapter file the settings name: the bundled one (for the bundled model only),
    a path, or None for none."""
    if not adapter or adapter.lower() == "none":
        return None
    if adapter == BUNDLED_ADAPTER and model != DEFAULT_MODEL:
        return None  # trained for the bundled model; another model gets no adapter
    path = _BUNDLED_PATH if adapter == BUNDLED_ADAPTER else Path(adapter)
    if not path.is_file():
        raise ModelUnavailable(
            f"adapter file {str(path)!r} does not exist (QA_ADAPTER={adapter!r})"
        )
    return path


def adapter_digest(path: Path) -> str:
    """A short content hash: the index records it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def save_adapter(path: Path, layers: dict[str, tuple], scale: float) -> None:
    """Write ``{layer name: (A, B)}`` torch tensors as fp16 safetensors."""
    from safetensors.torch import save_file

    tensors = {}
    for name, (a, b) in layers.items():
        tensors[f"{name}.lora_A"] = a.detach().to("cpu").half().contiguous()
        tensors[f"{name}.lora_B"] = b.detach().to("cpu").half().contiguous()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path), metadata={"scale": repr(float(scale)), "format": "qa-lora-1"})


def merge_adapter(module, path: Path) -> int:
    """Add the adapter's low-rank deltas to ``module``'s linear weights; returns layers merged."""
    import torch
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as fh:
            meta = fh.metadata() or {}
            tensors = {key: fh.get_tensor(key) for key in fh.keys()}  # noqa: SIM118
    except Exception as exc:  # safetensors raises its own error types for damaged files
        raise ModelUnavailable(f"cannot read adapter {str(path)!r}: {exc}") from exc
    if meta.get("format") != "qa-lora-1":
        raise ModelUnavailable(f"{str(path)!r} is not a qa-bot adapter file")
    scale = float(meta["scale"])
    named = dict(module.named_modules())
    merged = 0
    with torch.no_grad():
        for key in tensors:
            if not key.endswith(".lora_A"):
                continue
            name = key[: -len(".lora_A")]
            layer = named.get(name)
            if layer is None or not hasattr(layer, "weight"):
                raise ModelUnavailable(f"adapter {str(path)!r} names {name!r}, not in this model")
            a, b = tensors[key].float(), tensors[f"{name}.lora_B"].float()
            if (b.shape[0], a.shape[1]) != tuple(layer.weight.shape):
                raise ModelUnavailable(f"adapter {str(path)!r} does not fit layer {name!r}")
            layer.weight += scale * (b @ a)
            merged += 1
    return merged
