"""Fixtures for the Slack bot: a Slack stand-in, the real service, a live HTTP server.

Not a conftest.py: tests/conftest.py is imported as ``conftest`` by tests/qa, and a
second conftest here would shadow it. Test modules take these fixtures with
``from slack_fixtures import *``; the built index is cached here, so the model loads
and the index builds once per session however many modules use it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from slack_requests import SIGNING_SECRET
from slack_standin import SlackStandIn
from uvicorn_thread import serve

from qa.models import Answer, DocumentRef, Quote
from qa.settings import Settings

__all__ = ["built_index", "live_bot", "real_service", "standin"]

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def bot_settings(standin: SlackStandIn, index_dir: Path, **extra) -> Settings:
    """Settings as the entry points would build them, pointed at the stand-in."""
    return Settings(
        _env_file=None,
        index_dir=index_dir,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.url,
        **extra,
    )


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    server = SlackStandIn().start()
    yield server
    server.stop()


_session: dict[str, object] = {}


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory):
    """One index over the shipped corpus, built once with the real model."""
    if "index" not in _session:
        _session["index"] = _build(tmp_path_factory)
    return _session["index"]


def _build(tmp_path_factory: pytest.TempPathFactory):
    from qa.index.build import build_index
    from qa.index.embedder import SentenceTransformerEmbedder

    root = tmp_path_factory.mktemp("slack-index")
    shutil.copytree(CORPUS, root / "corpus")
    settings = Settings(_env_file=None, corpus_dir=root / "corpus", index_dir=root / "index")
    embedder = SentenceTransformerEmbedder(settings.model, settings.embed_batch_size)
    build_index(settings, embedder)
    return settings, embedder


@pytest.fixture(scope="session")
def real_service(built_index):
    from qa.answer.service import AnswerService

    if "service" not in _session:
        settings, embedder = built_index
        _session["service"] = AnswerService(settings, embedder)
    return _session["service"]


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
def live_bot(standin: SlackStandIn, real_service, tmp_path: Path) -> Iterator[LiveBot]:
    """What `qa serve` runs: the core's app factory, which finds the bot by entry point."""
    from qa.api.app import create_app

    settings = bot_settings(standin, tmp_path / "bot-index")
    app = create_app(settings, real_service)
    assert hasattr(app.state, "slack_bot"), "bot.plugin not mounted through qa.plugins"
    with serve(app) as url:
        yield LiveBot(url, app, settings, standin)


class FakeService:
    """Same ``ask`` signature as AnswerService; answers from a fixed quote list."""

    def __init__(self, answer: Answer | None = None, error: Exception | None = None) -> None:
        self.answer, self.error, self.questions = answer, error, []

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        self.questions.append(question)
        if self.error is not None:
            raise self.error
        return self.answer or sample_answer(question)


def sample_quote(text: str = "In 2019, about 72,000 hectares of coca.", **doc) -> Quote:
    ref = DocumentRef(doc.get("id", "d1"), doc.get("title", "Peru"), doc.get("source", "peru.txt"))
    return Quote(text, 0.9, 100, 100 + len(text), ref, doc.get("page"))


def sample_answer(question: str = "q?", answered: bool = True, **kw) -> Answer:
    quotes = kw.pop("quotes", (sample_quote(),))
    return Answer(
        question=question,
        answered=answered,
        confidence=0.8 if answered else 0.1,
        quotes=quotes if answered else (),
        passages=kw.pop("passages", quotes),
        index_version="v-test",
    )
