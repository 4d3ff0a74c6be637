"""The composition root: the one place that builds qa-bot's parts from settings.

Entry points (the CLI, `qa serve`, the Slack plug-in, benchmarks, tests) build a
Runtime and hand its parts on; nothing below this module constructs a live index or a
writer by itself, nor an embedder but the Ray build's workers (each loads its own copy with
qa.model.embedder.build_embedder, as this module does). ``start`` begins following new index versions and
``close`` stops it; a Runtime is also a context manager doing both.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.answer.service import AnswerService
from qa.build.updates import DocumentWriter
from qa.index import vectors
from qa.index.live import LiveIndex
from qa.model.embedder import Embedder, build_embedder
from qa.settings import Settings


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
        self.embedder.warm(builds)

    def close(self) -> None:
        self.live.close()

    def __enter__(self) -> Runtime:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
