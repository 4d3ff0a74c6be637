"""Fixtures for the Slack bot: a Slack stand-in, the real service, a live HTTP server.

The index over the shipped corpus is built once per session with the session's model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from fastapi import FastAPI

from harness.corpora import shipped_article_corpus
from harness.servers import serve
from harness.slack_standin import SlackStandIn
from qa.settings import Settings
from tests.support.settings import bot_settings, make_settings


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    server = SlackStandIn().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, embedder):
    """One index over the shipped corpus, built once with the real model."""
    from qa.build.build import build_index

    root = tmp_path_factory.mktemp("slack-index")
    settings = make_settings(shipped_article_corpus(root), root / "index")
    build_index(settings, embedder)
    return settings, embedder


@pytest.fixture(scope="session")
def real_runtime(built_index):
    """The parts `qa serve` builds, over the shipped-corpus index."""
    from qa.runtime import Runtime

    settings, embedder = built_index
    return Runtime.build(settings, embedder)


@pytest.fixture(scope="session")
def real_service(real_runtime):
    return real_runtime.service


@dataclass
class LiveBot:
    """The FastAPI app with /slack/events mounted, served by uvicorn on loopback."""

    url: str
    app: FastAPI
    settings: Settings
    standin: SlackStandIn

    @property
    def bot(self):
        return self.app.state.slack_bot


@pytest.fixture
def live_bot(standin: SlackStandIn, real_runtime, tmp_path: Path) -> Iterator[LiveBot]:
    """What `qa serve` runs: the core's app factory, which finds the bot by entry point."""
    from qa.api.app import create_app

    settings = bot_settings(standin, tmp_path / "bot-index")
    app = create_app(replace(real_runtime, settings=settings))
    assert hasattr(app.state, "slack_bot"), "bot.plugin not mounted through qa.plugins"
    with serve(app) as url:
        yield LiveBot(url, app, settings, standin)
