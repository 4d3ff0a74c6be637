"""Read endpoints: ask, search, documents, health and readiness."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from qa.api import schemas
from qa.api.auth import require_read
from qa.api.deps import AppMetrics, AppSettings, Service
from qa.api.errors import error_response

router = APIRouter()
_ERRORS = schemas.error_responses(400, 401, 413, 422, 503)


@router.post(
    "/ask",
    response_model=schemas.AskResponse,
    dependencies=[Depends(require_read)],
    responses=_ERRORS,
)
def ask(
    body: schemas.AskRequest, service: Service, settings: AppSettings, counters: AppMetrics
) -> schemas.AskResponse:
    """Answer with verbatim quotes (best first) and the passages they came from."""
    answer = service.ask(body.question, body.top_k)
    counters.observe_answer(answer, "api")
    return schemas.answer_out(answer, settings.public_url)


@router.post(
    "/search",
    response_model=schemas.SearchResponse,
    dependencies=[Depends(require_read)],
    responses=_ERRORS,
)
def search(
    body: schemas.SearchRequest, service: Service, settings: AppSettings
) -> schemas.SearchResponse:
    """Cited passages for a query, without quote extraction."""
    version, passages = service.search(body.query, body.top_k)
    return schemas.SearchResponse(
        query=body.query,
        passages=[schemas.quote_out(p, settings.public_url) for p in passages],
        index_version=version,
    )


@router.get(
    "/documents",
    response_model=schemas.DocumentList,
    dependencies=[Depends(require_read)],
    responses=schemas.error_responses(401, 503),
)
def documents(service: Service) -> schemas.DocumentList:
    version, infos = service.documents()
    return schemas.DocumentList(
        index_version=version, documents=[schemas.summary_out(i) for i in infos]
    )


@router.get(
    "/documents/{document_id}",
    response_model=schemas.DocumentDetail,
    operation_id="get_document",
    dependencies=[Depends(require_read)],
    responses=schemas.error_responses(401, 404, 503),
)
def document(document_id: str, service: Service) -> schemas.DocumentDetail:
    """One document with its full extracted text, so anyone can check a quote's span."""
    version, doc = service.document(document_id)
    return schemas.detail_out(doc, version)


@router.get("/healthz")
def healthz() -> dict:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses=schemas.error_responses(503))
def readyz(service: Service):
    """Ready when the question model and an index are loaded: the index version and counts;
    503 with the reason otherwise."""
    live = service.live
    if not service.model_ready:
        return error_response(
            503,
            "warming_up",
            "the embedding model is still loading",
            "retry in a few seconds; the first answers follow at full speed",
        )
    try:
        reader = live.current()
    except Exception as exc:  # NoIndex and friends: not ready, say why
        return error_response(503, "not_ready", str(exc), "run `qa index` to build the index")
    manifest = reader.manifest
    body = {
        "status": "ready",
        "index_version": reader.version,
        "model": manifest.model,
        "built_at": manifest.built_at,
        **asdict(manifest.counts),
    }
    if live.problem:
        body["warning"] = live.problem
    return JSONResponse(body)
