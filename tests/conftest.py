"""Shared fixtures: one embedding model, one index of the shipped corpus, a live server.

Loading the model takes seconds and building the index more, so both happen once per
test session; tests that need their own corpus build it in ``tmp_path`` with the same
``embedder``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from uvicorn_thread import serve

from qa.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHIPPED_CORPUS = REPO / "corpus"
ARTICLE = "peru-multidimensional-challenge-part-2.txt"


def make_settings(corpus_dir: Path, index_dir: Path, **extra) -> Settings:
    """Settings as an entry point builds them, but deaf to any ``.env`` in the cwd."""
    return Settings(_env_file=None, corpus_dir=corpus_dir, index_dir=index_dir, **extra)


@pytest.fixture(scope="session")
def embedder():
    """The real bundled all-MiniLM-L6-v2, loaded once for the whole session."""
    from qa.index.embedder import SentenceTransformerEmbedder

    model = SentenceTransformerEmbedder()
    assert model.dimensions == 384  # loads it now, so no single test pays for it
    return model


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Settings:
    """Settings whose index (in a temp folder) holds the shipped corpus, built once."""
    from qa.index.build import build_index

    settings = make_settings(SHIPPED_CORPUS, tmp_path_factory.mktemp("shipped") / "index")
    report = build_index(settings, embedder)
    assert report.documents == 1 and not report.skipped
    return settings


@pytest.fixture(scope="session")
def service(shipped_index: Settings, embedder):
    """The real AnswerService over the shipped-corpus index."""
    from qa.answer.service import AnswerService

    return AnswerService(shipped_index, embedder)


@pytest.fixture(scope="session")
def live_server(shipped_index: Settings, service) -> Iterator[str]:
    """Base URL of the HTTP API over the shipped index, served by uvicorn on loopback."""
    from qa.api.app import create_app

    with serve(create_app(shipped_index, service, plugins=False)) as url:
        yield url


@pytest.fixture
def serve_app() -> Iterator:
    """Serve any ASGI app for one test: ``url = serve_app(app)``; stopped at teardown."""
    import contextlib

    with contextlib.ExitStack() as stack:
        yield lambda app: stack.enter_context(serve(app))
