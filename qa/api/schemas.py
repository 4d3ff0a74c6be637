"""Pydantic models at the HTTP edge; converted from the core dataclasses here only."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from qa.links import quote_links
from qa.models import Answer, Document, DocumentInfo, DocumentRef, Quote

# Declared in the schema only: the service checks them with messages that say what is
# wrong (empty after removing control characters, over the configured limits).
_TEXT = {"minLength": 1, "pattern": r"\S"}
_TOP_K = {"minimum": 1}


class AskRequest(BaseModel):
    question: str = Field(..., description="the question, plain text", json_schema_extra=_TEXT)
    top_k: int | None = Field(
        None, description="how many passages to return", json_schema_extra=_TOP_K
    )


class SearchRequest(BaseModel):
    query: str = Field(..., description="what to look for, plain text", json_schema_extra=_TEXT)
    top_k: int | None = Field(
        None, description="how many passages to return", json_schema_extra=_TOP_K
    )


class DocumentOut(BaseModel):
    id: str
    title: str
    source: str


class LinksOut(BaseModel):
    view: str = Field(
        ...,
        description="the document view scrolled to the highlighted span "
        "(absolute when QA_PUBLIC_URL is set)",
    )
    source: str | None = Field(
        None, description="the original web page with a #:~:text= fragment, for URL sources"
    )


class QuoteOut(BaseModel):
    text: str
    score: float
    start: int
    end: int
    page: int | None = None
    section: str = Field(
        "", description='the heading path the quote sits under ("pathlib > Basic use"), or ""'
    )
    anchor: str = Field(
        "", description="the id of that heading in an HTML page (the source link's #anchor)"
    )
    document: DocumentOut
    links: LinksOut


class AskResponse(BaseModel):
    question: str
    outcome: Literal["answered", "possibly", "not_found"] = Field(
        ...,
        description="answered: the quotes answer the question with confidence at least "
        "QA_MIN_CONFIDENCE; possibly: the best quotes, uncertain (confidence at least "
        "QA_HEDGE_CONFIDENCE), to be shown as such; not_found: no quotes, only the nearest "
        "passages",
    )
    answered: bool = Field(..., description='outcome == "answered"')
    confidence: float = Field(..., description="estimated probability that the top quote answers")
    quotes: list[QuoteOut]
    passages: list[QuoteOut]
    index_version: str
    timings_ms: dict[str, float] = {}


class SearchResponse(BaseModel):
    query: str
    passages: list[QuoteOut]
    index_version: str


class DocumentSummary(DocumentOut):
    chunks: int
    content_hash: str


class DocumentList(BaseModel):
    index_version: str
    documents: list[DocumentSummary]


class DocumentDetail(DocumentOut):
    path: str
    text: str
    content_hash: str
    pages: list[Annotated[list[int], Field(min_length=2, max_length=2)]] = Field(
        [], description="[page number, offset of its first character] for each PDF page"
    )
    index_version: str


class ErrorBody(BaseModel):
    code: str
    message: str
    hint: str | None = None
    document_id: str | None = Field(None, description="409 document_exists: the document")


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_responses(*statuses: int) -> dict:
    """OpenAPI ``responses`` for the error statuses a route can answer, all in one shape."""
    return {status: {"model": ErrorResponse} for status in statuses}


def document_out(ref: DocumentRef) -> DocumentOut:
    return DocumentOut(id=ref.id, title=ref.title, source=ref.source)


def quote_out(quote: Quote, base_url: str | None = None) -> QuoteOut:
    links = quote_links(quote, base_url)
    return QuoteOut(
        text=quote.text,
        score=quote.score,
        start=quote.start,
        end=quote.end,
        page=quote.page,
        section=quote.section,
        anchor=quote.anchor,
        document=document_out(quote.document),
        links=LinksOut(view=links.view, source=links.source),
    )


def answer_out(answer: Answer, base_url: str | None = None) -> AskResponse:
    return AskResponse(
        question=answer.question,
        outcome=answer.outcome,
        answered=answer.answered,
        confidence=answer.confidence,
        quotes=[quote_out(q, base_url) for q in answer.quotes],
        passages=[quote_out(q, base_url) for q in answer.passages],
        index_version=answer.index_version,
        timings_ms=answer.timings_ms,
    )


def summary_out(info: DocumentInfo) -> DocumentSummary:
    return DocumentSummary(
        **document_out(info.ref).model_dump(), chunks=info.chunks, content_hash=info.content_hash
    )


def detail_out(document: Document, version: str) -> DocumentDetail:
    return DocumentDetail(
        id=document.id,
        title=document.title,
        source=document.source,
        path=document.path,
        text=document.text,
        content_hash=document.content_hash,
        pages=[list(p) for p in document.pages],
        index_version=version,
    )
