"""The FastAPI application factory; nothing is built at import time."""

from __future__ import annotations

from typing import Protocol

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from qa import __version__
from qa.answer.service import AnswerService
from qa.api import documents_write, errors, metrics, routes
from qa.api.jsonbody import JsonBodyGuard
from qa.api.limits import BodySizeLimit
from qa.api.metrics import Metrics, RequestMetrics
from qa.build.priority import write_threads
from qa.build.updates import DocumentWriter
from qa.models import Answer
from qa.plugins import mount_http_plugins
from qa.settings import Settings
from qa.web.pages import mount_web


class Parts(Protocol):
    """What the app serves; qa.runtime.Runtime builds these from settings."""

    @property
    def settings(self) -> Settings: ...

    @property
    def service(self) -> AnswerService: ...

    @property
    def writer(self) -> DocumentWriter: ...


def create_app(runtime: Parts, plugins: bool = True) -> FastAPI:
    """The HTTP API over built parts; ``plugins`` mounts extensions such as Slack."""
    # /docs and /redoc load their scripts from this server (fastapi-offline ships them),
    # so they work on a machine without internet.
    app = FastAPIOffline(
        title="qa-bot",
        version=__version__,
        description="Answers questions about your documents with verbatim, cited quotes.",
        static_url="/docs-assets",
    )
    app.state.settings = runtime.settings
    app.state.service = runtime.service
    app.state.document_writer = runtime.writer
    app.state.write_threads = write_threads(runtime.settings.build_nice)
    app.state.metrics = Metrics(runtime.service.live)
    app.include_router(routes.router)
    app.include_router(documents_write.router)
    app.include_router(metrics.router)
    mount_web(app)
    if plugins:
        # the plugins' answers (Slack) are counted like the API's and the page's
        metered = MeteredAsker(runtime.service, app.state.metrics, "slack")
        mount_http_plugins(app, metered, runtime.settings)
    # Outermost last: RequestMetrics > CatchAll (errors.install) > BodySizeLimit >
    # JsonBodyGuard > app, so every answer, errors included, is counted.
    app.add_middleware(JsonBodyGuard)
    app.add_middleware(BodySizeLimit, max_bytes=runtime.settings.max_upload_bytes)
    errors.install(app)
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
