"""The FastAPI application factory; nothing is built at import time."""

from __future__ import annotations

from fastapi import FastAPI

from qa import __version__
from qa.api import documents_write, errors, metrics, routes
from qa.api.limits import BodySizeLimit
from qa.api.metrics import Metrics, RequestMetrics
from qa.models import Answer
from qa.plugins import mount_http_plugins
from qa.service import AnswerService
from qa.settings import Settings
from qa.updates import DocumentWriter
from qa.web.pages import mount_web


def create_app(settings: Settings, service: AnswerService, plugins: bool = True) -> FastAPI:
    app = FastAPI(
        title="qa-bot",
        version=__version__,
        description="Answers questions about your documents with verbatim, cited quotes.",
    )
    app.state.settings = settings
    app.state.service = service
    app.state.document_writer = DocumentWriter(settings, service.embedder, service.live)
    app.state.metrics = Metrics(service.live)
    errors.install(app)
    app.include_router(routes.router)
    app.include_router(documents_write.router)
    app.include_router(metrics.router)
    mount_web(app)
    if plugins:
        mount_http_plugins(app, MeteredAsker(service, app.state.metrics, "slack"), settings)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    # outermost, so requests the body limit turns away are counted too
    app.add_middleware(RequestMetrics, metrics=app.state.metrics)
    return app


class MeteredAsker:
    """What plugins ask through: the service's ``ask``, with each answer counted."""

    def __init__(self, service: AnswerService, metrics: Metrics, interface: str) -> None:
        self._service, self._metrics, self._interface = service, metrics, interface

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        answer = self._service.ask(question, top_k)
        self._metrics.observe_answer(answer, self._interface)
        return answer
