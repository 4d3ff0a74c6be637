"""Every failure of a request to one JSON shape: a 4xx saying what to change, or a logged 503.

``translate`` is the one place that decides the status for any exception; the handlers
FastAPI calls and the ``CatchAll`` middleware both go through it. ``CatchAll`` answers
before Starlette's ServerErrorMiddleware would see the exception, so nothing is re-raised
into uvicorn: no bare 500, no stack trace, and the client's keep-alive connection stays
open for its next request.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from qa import errors

logger = logging.getLogger(__name__)

# Most specific first: IndexCorrupt is a NoIndex, DocumentTooLarge an InvalidDocument.
STATUS: list[tuple[type[errors.QAError], int, str, str | None]] = [
    (errors.InvalidQuestion, 422, "invalid_question", None),
    (errors.DocumentTooLarge, 413, "document_too_large", None),
    (errors.InvalidDocument, 422, "invalid_document", None),
    (errors.DocumentNotFound, 404, "document_not_found", "GET /documents lists the ids"),
    (errors.DocumentExists, 409, "document_exists", None),
    (errors.IndexCorrupt, 503, "index_corrupt", "run `qa index` to rebuild it"),
    (errors.NoIndex, 503, "no_index", "run `qa index` to build the index"),
    (errors.ModelUnavailable, 503, "model_unavailable", "check QA_MODEL"),
    (errors.IndexBusy, 409, "index_busy", "another update is running; retry shortly"),
    (errors.Unauthorized, 401, "unauthorized", "send the key in the X-API-Key header"),
    (errors.CorpusNotFound, 503, "corpus_not_found", "check QA_CORPUS_DIR"),
    (errors.IndexTooLarge, 507, "index_too_large", None),
]
_HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}


def error_response(
    status: int,
    code: str,
    message: str,
    hint: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: str,
) -> JSONResponse:
    body: dict = {"code": code, "message": message}
    if hint:
        body["hint"] = hint
    body.update(extra)
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def translate(exc: BaseException) -> JSONResponse:
    """The response for any exception raised while handling a request."""
    if isinstance(exc, errors.DocumentExists):
        return error_response(
            409,
            "document_exists",
            str(exc),
            f"PUT /documents/{exc.document_id} replaces it",
            document_id=exc.document_id,
        )
    if isinstance(exc, errors.QAError):
        for kind, status, code, hint in STATUS:
            if isinstance(exc, kind):
                if status >= 500:
                    logger.error("%s: %s", code, exc)
                return error_response(status, code, str(exc), hint)
    if isinstance(exc, RequestValidationError):
        return error_response(422, "invalid_request", _validation_message(exc))
    if isinstance(exc, HTTPException):
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)
    if isinstance(exc, RecursionError):
        return error_response(422, "too_deep", "the request is nested too deeply to read")
    if isinstance(exc, UnicodeError):
        return error_response(422, "invalid_encoding", f"the request is not valid text: {exc}")
    logger.error("unexpected error while handling a request", exc_info=exc)
    return error_response(
        503,
        "internal_error",
        "the server could not complete the request",
        "the error is in the server log; retry, and report it if it persists",
    )


def _validation_message(exc: RequestValidationError) -> str:
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        problems.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(problems) or "invalid request"


def install(app: FastAPI) -> None:
    async def _handle(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, HTTPException) and exc.status_code == 405:
            # Starlette names only the first route on the path; list every method it has.
            exc = HTTPException(405, exc.detail, {"Allow": _allowed(request)})
        return translate(exc)

    for kind in (errors.QAError, RequestValidationError, HTTPException):
        app.add_exception_handler(kind, _handle)
    app.add_middleware(CatchAll)


def _allowed(request: Request) -> str:
    methods = _methods(request.app.router.routes, request.url.path)
    methods.discard("HEAD")
    return ", ".join(sorted(methods))


def _methods(routes, path: str) -> set[str]:
    """Every method some route answers on ``path`` (included routers searched too)."""
    found: set[str] = set()
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            found |= _methods(included.routes, path)
        elif getattr(route, "methods", None) and route.path_regex.match(path):
            found |= set(route.methods)
    return found


class CatchAll:
    """ASGI middleware: any exception that escapes the app becomes ``translate``'s answer."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:  # too late for a status; the log says what happened
                logger.error("error after the response started", exc_info=exc)
                return
            await translate(exc)(scope, receive, send)
