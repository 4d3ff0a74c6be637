"""Shared fixtures: one embedding model, one index of the shipped corpus, a live server.

Loading the model takes seconds and building the index more, so both happen once per
test session; tests that need their own corpus build it in ``tmp_path`` with the same
``embedder``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.corpora import shipped_article_corpus
from harness.servers import serve
from qa.settings import Settings
from tests.support.settings import make_settings


@pytest.fixture(scope="session")
def embedder():
    """The real bundled all-MiniLM-L6-v2 with its bundled adapter, as `qa serve` builds it,
    loaded once for the whole session."""
    from qa.runtime import build_embedder

    model = build_embedder(Settings(_env_file=None))
    model.warm()  # both copies (questions, builds) now, so no single test pays for them
    assert model.dimensions == 384 and model.query_ready
    return model


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Settings:
    """Settings whose index (in a temp folder) holds the shipped article, built once
    from a copy of it (see shipped_article_corpus)."""
    from qa.build.build import build_index

    root = tmp_path_factory.mktemp("shipped")
    settings = make_settings(shipped_article_corpus(root), root / "index")
    report = build_index(settings, embedder)
    assert report.documents == 1 and not report.skipped
    return settings


@pytest.fixture(scope="session")
def runtime(shipped_index: Settings, embedder):
    """The parts `qa serve` builds, over the shipped-corpus index."""
    from qa.runtime import Runtime

    return Runtime.build(shipped_index, embedder)


@pytest.fixture(scope="session")
def service(runtime):
    """The real AnswerService over the shipped-corpus index."""
    return runtime.service


@pytest.fixture(scope="session")
def live_server(runtime) -> Iterator[str]:
    """Base URL of the HTTP API over the shipped index, served by uvicorn on loopback."""
    from qa.api.app import create_app

    with serve(create_app(runtime, plugins=False)) as url:
        yield url


@pytest.fixture
def serve_app() -> Iterator:
    """Serve any ASGI app for one test: ``url = serve_app(app)``; stopped at teardown."""
    import contextlib

    with contextlib.ExitStack() as stack:
        yield lambda app: stack.enter_context(serve(app))
