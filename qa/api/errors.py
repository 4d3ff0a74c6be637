"""Domain errors to HTTP: one JSON shape, a precise message, never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from qa import errors

logger = logging.getLogger(__name__)

# Most specific first: IndexCorrupt is a NoIndex.
STATUS: list[tuple[type[errors.QAError], int, str, str | None]] = [
    (errors.InvalidQuestion, 422, "invalid_question", None),
    (errors.InvalidDocument, 422, "invalid_document", None),
    (errors.DocumentNotFound, 404, "document_not_found", "GET /documents lists the ids"),
    (errors.IndexCorrupt, 503, "index_corrupt", "run `qa index` to rebuild it"),
    (errors.NoIndex, 503, "no_index", "run `qa index` to build the index"),
    (errors.ModelUnavailable, 503, "model_unavailable", "check QA_MODEL"),
    (errors.IndexBusy, 409, "index_busy", "another update is running; retry shortly"),
    (errors.Unauthorized, 401, "unauthorized", "send the key in the X-API-Key header"),
    (errors.CorpusNotFound, 500, "corpus_not_found", "check QA_CORPUS_DIR"),
]


def error_response(status: int, code: str, message: str, hint: str | None = None) -> JSONResponse:
    body: dict = {"code": code, "message": message}
    if hint:
        body["hint"] = hint
    return JSONResponse({"error": body}, status_code=status)


def translate(exc: errors.QAError) -> JSONResponse:
    for kind, status, code, hint in STATUS:
        if isinstance(exc, kind):
            return error_response(status, code, str(exc), hint)
    logger.error("unmapped domain error: %r", exc)
    return error_response(500, "internal_error", "the server could not complete the request")


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.QAError)
    async def _domain(_: Request, exc: errors.QAError) -> JSONResponse:
        return translate(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        return error_response(422, "invalid_request", "; ".join(problems) or "invalid request")

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            exc.status_code, "http_error"
        )
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unexpected error")
        return error_response(500, "internal_error", "the server could not complete the request")
