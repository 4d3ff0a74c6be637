"""The FastAPI application factory; nothing is built at import time."""

from __future__ import annotations

from typing import Protocol

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from qa import __version__
from qa.answer.service import AnswerService
from qa.api import documents_write, errors, routes
from qa.api.jsonbody import JsonBodyGuard
from qa.api.limits import BodySizeLimit
from qa.index.updates import DocumentWriter
from qa.plugins import mount_http_plugins
from qa.settings import Settings


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
    app.include_router(routes.router)
    app.include_router(documents_write.router)
    if plugins:
        mount_http_plugins(app, runtime.service, runtime.settings)
    # Outermost last: CatchAll (in errors.install) > BodySizeLimit > JsonBodyGuard > app.
    app.add_middleware(JsonBodyGuard)
    app.add_middleware(BodySizeLimit, max_bytes=runtime.settings.max_upload_bytes)
    errors.install(app)
    return app
