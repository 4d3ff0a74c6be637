"""The composition root: the one place that builds qa-bot's parts from settings.

Entry points (the CLI, `qa serve`, the Slack plug-in, benchmarks, tests) build a
Runtime and hand its parts on; nothing below this module constructs an embedder, a live
index or a writer by itself. ``start`` begins following new index versions and
``close`` stops it; a Runtime is also a context manager doing both.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.answer.service import AnswerService
from qa.build.updates import DocumentWriter
from qa.index import vectors
from qa.index.live import LiveIndex
from qa.model.adapter import resolve_adapter
from qa.model.embedder import Embedder, SentenceTransformerEmbedder
from qa.settings import Settings


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


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    embedder: Embedder
    live: LiveIndex
    service: AnswerService
    writer: DocumentWriter

    @classmethod
    def build(cls, settings: Settings, embedder: Embedder | None = None) -> Runtime:
        """Every part over one embedder and one live index (``embedder`` defaults to the
        configured model)."""
        embedder = embedder if embedder is not None else build_embedder(settings)
        vectors.set_threads(settings.torch_threads)
        live = LiveIndex(settings.index_dir, embedder.name, settings.ivf_nprobe)
        return cls(
            settings,
            embedder,
            live,
            AnswerService(settings, embedder, live),
            DocumentWriter(settings, embedder, live),
        )

    def start(self) -> Runtime:
        """Follow new index versions (`qa index`, `qa watch`, uploads) without a restart."""
        self.live.watch(self.settings.reload_interval)
        return self

    def warm(self, builds: bool = True) -> None:
        """Load the question model (and the build model) now, so the first answer (and the
        first upload) do not pay for it; /readyz says ready only after the first."""
        warm = getattr(self.embedder, "warm", None)
        if warm is not None:
            warm(builds)

    def close(self) -> None:
        self.live.close()

    def __enter__(self) -> Runtime:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
