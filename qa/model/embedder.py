"""The embedding model behind a small interface: texts in, normalized vectors out.

A process holds two copies of the model, each loaded on first use and each with its own
lock: one for index builds (``embed``) and one for questions (``embed_query``), so a
question never waits behind a document being embedded. Questions asked at the same time
are embedded together (qa.model.batching). What runs the model (torch or OpenVINO) is a
backend (qa.model.backends, QA_BACKEND); its thread pool is capped (QA_TORCH_THREADS):
torch's worker threads spin while waiting for work, and beside any other busy process on a
small machine that turns a 14 ms question into half a second.

Builds sort their texts by length before cutting them into batches, so a batch of short
sentences is not padded to the length of a chunk that happened to fall among them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.model.adapter import adapter_digest, resolve_adapter
from qa.model.backends import Backend, load_backend, resolve_backend, resolve_model
from qa.model.batching import MicroBatcher
from qa.model.tokens import TokenPass
from qa.settings import DEFAULT_MODEL, Settings

logger = logging.getLogger(__name__)

__all__ = [
    "Embedder",
    "SentenceTransformerEmbedder",
    "build_embedder",
    "embed_in_batches",
    "resolve_model",
]


class Embedder(Protocol):
    """What builds and the answer service use of a model."""

    name: str  # what the index records: a version is only read with the model that built it

    @property
    def dimensions(self) -> int: ...

    @property
    def query_ready(self) -> bool:
        """True once questions are embedded without first loading a model."""
        ...

    def warm(self, builds: bool = True) -> None:
        """Load the question model (and with ``builds`` the build model) now."""
        ...

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors for index builds, one row per text."""
        ...

    def embed_tokens(self, texts: list[str]) -> list[TokenPass]:
        """Each text's token vectors, for pooled views (builds)."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """One question's vector, never queued behind a build."""
        ...


def embedder_name(model: str, adapter: Path | None, backend: str = "torch") -> str:
    """What the index records: the model, and the adapter by content.

    Not the backend: torch and OpenVINO in fp32 give the same vectors to float rounding
    (about 1e-7; tests/qa/model/test_backends.py holds them to it), so an index built on
    one is right for questions on the other and switching must not force a rebuild. bf16
    (on either backend) changes vectors in the third decimal, so it is named.
    """
    name = model if adapter is None else f"{model}+{adapter.stem}@{adapter_digest(adapter)}"
    return f"{name}+bf16" if backend.endswith("-bf16") else name


def embed_in_batches(
    run: Callable[[list[str]], np.ndarray],
    texts: list[str],
    batch_size: int,
    sort: bool = True,
) -> np.ndarray:
    """``run`` over batches of ``texts``, rows in the order of ``texts``.

    With ``sort`` the batches are cut from the texts ordered by length (longest first, so
    running out of memory shows at once), and each batch pads only to its own longest text.
    """
    if sort:
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    else:
        order = list(range(len(texts)))
    out: np.ndarray | None = None
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        vectors = run([texts[i] for i in rows])
        if out is None:
            out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
        out[rows] = vectors
    return out if out is not None else np.zeros((0, 0), dtype=np.float32)


class _Model:
    """One loaded copy of the model (with its adapter merged) on a backend, and the lock
    that serialises its use."""

    def __init__(self, load: Callable[[], Backend], batch_size: int) -> None:
        self._loader = load
        self.batch_size = batch_size
        self._backend: Backend | None = None
        self.lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._backend is not None

    def get(self) -> Backend:
        with self.lock:
            return self._load()

    def _load(self) -> Backend:
        if self._backend is None:
            self._backend = self._loader()
        return self._backend

    def tokens(self, texts: list[str]) -> list[TokenPass]:
        """Token vectors of ``texts`` (in order), batched shortest first."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[TokenPass | None] = [None] * len(texts)
        with self.lock:
            backend = self._load()
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                for i, result in zip(rows, backend.tokens([texts[i] for i in rows])):
                    out[i] = result
        return out  # type: ignore[return-value]

    def encode(self, texts: list[str]) -> np.ndarray:
        with self.lock:
            backend = self._load()
            vectors = embed_in_batches(backend.run, texts, self.batch_size)
        return np.ascontiguousarray(vectors, dtype=np.float32)


class SentenceTransformerEmbedder:
    """The model for builds and, as a second copy, for questions; thread-safe.

    ``adapter`` is a low-rank adapter file merged into the model's weights at load time;
    ``threads`` caps the backend's threads per process when a copy loads (0: its default);
    ``backend`` is one of qa.model.backends.BACKENDS or ``auto``, and ``cache_dir`` is where
    a converted model (OpenVINO) is kept between runs (None: converted again by every
    process).
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        batch_size: int = 64,
        adapter: Path | None = None,
        threads: int = 0,
        backend: str = "torch",
        cache_dir: Path | None = None,
    ) -> None:
        self.model = model
        self.adapter = adapter
        self.backend = backend = resolve_backend(backend)
        self.name = embedder_name(model, adapter, backend)
        self.batch_size = batch_size

        converted_as = embedder_name(model, adapter)  # one converted model for any precision

        # Questions on torch stay in fp32: one question embeds as fast either way, and in
        # bf16 a question's vector would move with the questions batched beside it.
        asked_on = "torch" if backend == "torch-bf16" else backend

        def loader(backend: str) -> Callable[[], Backend]:
            return lambda: load_backend(backend, model, adapter, threads, converted_as, cache_dir)

        self._build = _Model(loader(backend), batch_size)
        self._query = _Model(loader(asked_on), batch_size)
        self._batcher = MicroBatcher(self._query.encode, max_batch=batch_size)

    @property
    def dimensions(self) -> int:
        return (self._query if self._query.loaded else self._build).get().dimensions

    @property
    def query_ready(self) -> bool:
        """True once the question model is loaded (a first question then takes milliseconds)."""
        return self._query.loaded

    def warm(self, builds: bool = True) -> None:
        """Load the question model (and the build model) now rather than on first use."""
        self.embed_query("warm-up")
        if builds:
            self.embed(["warm-up"])

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors for index builds (may take long; never holds up a question)."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return self._build.encode(texts)

    def embed_tokens(self, texts: list[str]) -> list[TokenPass]:
        """Each text's token vectors and character offsets, for pooled views (builds)."""
        return self._build.tokens(texts)

    def embed_query(self, text: str) -> np.ndarray:
        """One question's vector, batched with the questions asked at the same moment."""
        return self._batcher.embed_one(text)


def build_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    """The configured model with its adapter (a copy for builds, one for questions) on the
    configured backend, loaded on first use, with its threads capped as configured."""
    adapter = resolve_adapter(settings.adapter, settings.model)
    return SentenceTransformerEmbedder(
        settings.model,
        settings.embed_batch_size,
        adapter,
        settings.torch_threads,
        backend=settings.backend,
        cache_dir=settings.model_cache_dir or settings.index_dir / "models",
    )
