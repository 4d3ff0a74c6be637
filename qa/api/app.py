"""The FastAPI application factory; nothing is built at import time."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from qa import __version__
from qa.api import documents_write, errors, routes
from qa.api.jsonbody import JsonBodyGuard
from qa.api.limits import BodySizeLimit
from qa.plugins import mount_http_plugins
from qa.service import AnswerService
from qa.settings import Settings
from qa.updates import DocumentWriter


def create_app(settings: Settings, service: AnswerService, plugins: bool = True) -> FastAPI:
    # /docs and /redoc load their scripts from this server (fastapi-offline ships them),
    # so they work on a machine without internet.
    app = FastAPIOffline(
        title="qa-bot",
        version=__version__,
        description="Answers questions about your documents with verbatim, cited quotes.",
        static_url="/docs-assets",
    )
    app.state.settings = settings
    app.state.service = service
    app.state.document_writer = DocumentWriter(settings, service.embedder, service.live)
    app.include_router(routes.router)
    app.include_router(documents_write.router)
    if plugins:
        mount_http_plugins(app, service, settings)
    # Outermost last: CatchAll (in errors.install) > BodySizeLimit > JsonBodyGuard > app.
    app.add_middleware(JsonBodyGuard)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    errors.install(app)
    return app
