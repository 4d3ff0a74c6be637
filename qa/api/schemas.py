"""Pydantic models at the HTTP edge; converted from the core dataclasses here only."""

from __future__ import annotations

from pydantic import BaseModel, Field

from qa.models import Answer, Document, DocumentInfo, DocumentRef, Quote


class AskRequest(BaseModel):
    question: str = Field(..., description="the question, plain text")
    top_k: int | None = Field(None, description="how many passages to return")


class SearchRequest(BaseModel):
    query: str
    top_k: int | None = None


class DocumentOut(BaseModel):
    id: str
    title: str
    source: str


class QuoteOut(BaseModel):
    text: str
    score: float
    start: int
    end: int
    page: int | None = None
    document: DocumentOut


class AskResponse(BaseModel):
    question: str
    answered: bool
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
    pages: list[tuple[int, int]] = []
    index_version: str


class ErrorBody(BaseModel):
    code: str
    message: str
    hint: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


def document_out(ref: DocumentRef) -> DocumentOut:
    return DocumentOut(id=ref.id, title=ref.title, source=ref.source)


def quote_out(quote: Quote) -> QuoteOut:
    return QuoteOut(
        text=quote.text, score=quote.score, start=quote.start, end=quote.end,
        page=quote.page, document=document_out(quote.document),
    )  # fmt: skip


def answer_out(answer: Answer) -> AskResponse:
    return AskResponse(
        question=answer.question,
        answered=answer.answered,
        confidence=answer.confidence,
        quotes=[quote_out(q) for q in answer.quotes],
        passages=[quote_out(q) for q in answer.passages],
        index_version=answer.index_version,
        timings_ms=answer.timings_ms,
    )


def summary_out(info: DocumentInfo) -> DocumentSummary:
    return DocumentSummary(
        **document_out(info.ref).model_dump(), chunks=info.chunks, content_hash=info.content_hash
    )


def detail_out(document: Document, version: str) -> DocumentDetail:
    return DocumentDetail(
        id=document.id, title=document.title, source=document.source, path=document.path,
        text=document.text, content_hash=document.content_hash, pages=list(document.pages),
        index_version=version,
    )  # fmt: skip
