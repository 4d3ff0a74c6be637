"""The FastAPI application factory; nothing is built at import time."""

from __future__ import annotations

from fastapi import FastAPI

from qa import __version__
from qa.answer.service import AnswerService
from qa.api import documents_write, errors, routes
from qa.api.limits import BodySizeLimit
from qa.index.updates import DocumentWriter
from qa.plugins import mount_http_plugins
from qa.settings import Settings


def create_app(settings: Settings, service: AnswerService, plugins: bool = True) -> FastAPI:
    app = FastAPI(
        title="qa-bot",
        version=__version__,
        description="Answers questions about your documents with verbatim, cited quotes.",
    )
    app.state.settings = settings
    app.state.service = service
    app.state.document_writer = DocumentWriter(settings, service.embedder, service.live)
    errors.install(app)
    app.include_router(routes.router)
    app.include_router(documents_write.router)
    if plugins:
        mount_http_plugins(app, service, settings)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    return app
