"""The web page: ask at ``/``, read a document at its quote, list and change documents.

Server-rendered Jinja2 with autoescaping on, so document text, titles and questions are
always shown as text. The only scripts are two small static files (scroll to the quote;
upload and delete with the key a person types in, kept in the tab's sessionStorage), and
the Content-Security-Policy allows no other script. Domain errors become HTML pages with
the status the API would give (404, 422, 503), never a 500.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import jinja2
from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from qa.answer.service import AnswerService
from qa.api.deps import AppMetrics, AppSettings, Service
from qa.corpus.folder import is_url
from qa.corpus.formats import SUPPORTED_SUFFIXES
from qa.errors import (
    DocumentNotFound,
    InvalidQuestion,
    InvalidSpan,
    NoIndex,
    QAError,
    SpanOutsideDocument,
)
from qa.links import public, with_anchor, with_text_fragment
from qa.settings import Settings
from qa.web import quote_views
from qa.web.spans import check_span, parse_span, split

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # questions in ?q= never leak to linked sites
}
_STATUS = [  # most specific first, as in the API
    (InvalidQuestion, 422, "That question cannot be answered"),
    (InvalidSpan, 422, "That link does not point at a quote"),
    (SpanOutsideDocument, 404, "That part of the document does not exist"),
    (DocumentNotFound, 404, "No such document"),
    (NoIndex, 503, "No documents are indexed yet"),
]

router = APIRouter(include_in_schema=False)
_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def mount_web(app: FastAPI) -> None:
    """Add the pages and their static files to ``app``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


@dataclass(frozen=True)
class Page:
    """What a page renders with: the app's settings and answer service."""

    settings: Settings
    service: AnswerService

    def render(self, template: str, status: int = 200, **context) -> HTMLResponse:
        base = self.settings.public_url
        html = _templates.get_template(template).render(
            url=lambda path: public(base, path),
            index_version=self.service.index_version,
            **context,
        )
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def error(self, exc: QAError) -> HTMLResponse:
        for kind, status, heading in _STATUS:
            if isinstance(exc, kind):
                return self.render("error.html", status, heading=heading, message=str(exc))
        logger.error("unmapped domain error on a page: %r", exc)
        return self.render(
            "error.html",
            500,
            heading="Something went wrong",
            message="the server could not show this page",
        )

    def reads_locked(self) -> HTMLResponse | None:
        """With QA_READ_API_KEY set, reads need a header a plain page load cannot send."""
        if self.settings.read_api_key is None:
            return None
        return self.render(
            "error.html",
            401,
            heading="This server requires an API key for reads",
            message="The web page is off while QA_READ_API_KEY is set; use the HTTP API "
            "with the X-API-Key header.",
        )


async def _page(settings: AppSettings, service: Service) -> Page:
    return Page(settings, service)


AppPage = Annotated[Page, Depends(_page)]


@router.get("/", response_class=HTMLResponse)
def ask_page(page: AppPage, counters: AppMetrics, q: str | None = None) -> HTMLResponse:
    """The question box, and the answer to ``q`` when there is one."""
    if locked := page.reads_locked():
        return locked
    service = page.service
    base = page.settings.public_url
    if q is None or not q.strip():
        return page.render("ask.html", question="", answer=None, error=None)
    try:
        answer = service.ask(q)
    except InvalidQuestion as exc:
        return page.render("ask.html", 422, question=q, answer=None, error=str(exc))
    except QAError as exc:
        return page.error(exc)
    counters.observe_answer(answer, "web")
    return page.render(
        "ask.html",
        question=q,
        answer=answer,
        error=None,
        quotes=quote_views.quote_views(service, answer.quotes, base),
        passages=quote_views.passage_views(answer.passages, base),
    )


@router.get("/documents/{document_id}/view", response_class=HTMLResponse)
def document_page(
    page: AppPage, document_id: str, start: str | None = None, end: str | None = None
) -> HTMLResponse:
    """The whole document, scrolled to and highlighting ``text[start:end]``."""
    if locked := page.reads_locked():
        return locked
    service = page.service
    try:
        span = parse_span(start, end)
        reader = service.live.current()  # one version for the text and its bounds
        document = reader.documents.get(document_id)
        if document is None:
            raise DocumentNotFound(f"no document with id {document_id!r}")
        if span is not None:
            check_span(reader, document, span)
    except QAError as exc:
        return page.error(exc)
    excerpt = split(document.text, span) if span else None
    section = document.section_at(span.start) if span else None
    source_link = document.source if is_url(document.source) else None
    if span and source_link:
        at = with_anchor(document.source, section.anchor if section else "")
        source_link = with_text_fragment(at, excerpt.marked)
    return page.render(
        "document.html",
        document=document,
        span=span,
        excerpt=excerpt,
        source_link=source_link,
        page=document.page_at(span.start) if span else None,
        section=section.label if section else "",
    )


@router.get("/library", response_class=HTMLResponse)
def library_page(page: AppPage) -> HTMLResponse:
    """What is indexed; upload and delete when QA_API_KEY is configured."""
    if locked := page.reads_locked():
        return locked
    try:
        version, infos = page.service.documents()
    except QAError as exc:
        if not isinstance(exc, NoIndex):
            return page.error(exc)
        version, infos = None, []  # an empty index is still a place to upload the first file
    settings = page.settings
    base = settings.public_url
    return page.render(
        "library.html",
        documents=infos,
        version=version,
        writes=settings.api_key is not None,
        max_upload_bytes=settings.max_upload_bytes,
        view_url=lambda doc_id: public(base, quote_views.document_path(doc_id)),
        web_source=is_url,
        upload_suffixes=SUPPORTED_SUFFIXES,
    )
