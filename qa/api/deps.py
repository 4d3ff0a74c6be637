"""What routes and pages read of the app they serve, as typed FastAPI dependencies.

``create_app`` keeps the parts it serves on ``app.state``; this module (and
``qa.api.metrics.AppMetrics``) is where they are read back, each with its type, so a route
names what it uses in its signature (``service: Service``) instead of reaching into the
untyped state.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Annotated

from fastapi import Depends, Request

from qa.answer.service import AnswerService
from qa.api.metrics import AppMetrics
from qa.build.updates import DocumentWriter
from qa.settings import Settings

__all__ = ["AppMetrics", "AppSettings", "Service", "WriteThreads", "Writer"]


# async: a plain def would be run on the thread pool, one hop per dependency per request
async def app_settings(request: Request) -> Settings:
    return request.app.state.settings


async def app_service(request: Request) -> AnswerService:
    return request.app.state.service


async def app_writer(request: Request) -> DocumentWriter:
    return request.app.state.document_writer


async def app_write_threads(request: Request) -> ThreadPoolExecutor:
    """The threads document writes run on (qa.build.priority: below questions)."""
    return request.app.state.write_threads


AppSettings = Annotated[Settings, Depends(app_settings)]
Service = Annotated[AnswerService, Depends(app_service)]
Writer = Annotated[DocumentWriter, Depends(app_writer)]
WriteThreads = Annotated[ThreadPoolExecutor, Depends(app_write_threads)]
