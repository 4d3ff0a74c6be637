"""Write endpoints: POST /documents (file upload or JSON) and DELETE /documents/{id}.

Thin: parse the request, hand it to qa.index.updates.DocumentWriter off the event loop, and
say which index version now reflects the change.
"""

from __future__ import annotations

import json
import time

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from qa.api import schemas
from qa.api.auth import require_write
from qa.api.errors import error_response
from qa.errors import InvalidDocument
from qa.index.updates import DocumentWriter, WriteResult

router = APIRouter()
_ERRORS = {s: {"model": schemas.ErrorResponse} for s in (401, 404, 409, 413, 415, 422, 500, 503)}


class TextDocumentIn(BaseModel):
    title: str = Field(..., min_length=1, max_length=500)
    text: str = Field(..., min_length=1)
    url: str | None = Field(None, description="where the document lives (http or https)")


class DocumentWritten(schemas.DocumentOut):
    path: str = Field(..., description="the file in the corpus folder")
    action: str = Field(..., description="added, replaced or deleted")
    index_version: str = Field(..., description="the first index version with this change")


_UPLOAD_DOC = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "application/json": {"schema": TextDocumentIn.model_json_schema()},
        },
        "required": True,
    }
}


def _writer(request: Request) -> DocumentWriter:
    return request.app.state.document_writer


async def _timed(request: Request, write, *args) -> WriteResult:
    """Run a write off the event loop; its duration goes to the app's metrics."""
    started = time.perf_counter()
    result = await run_in_threadpool(write, *args)
    request.app.state.metrics.observe_update(result.action, time.perf_counter() - started)
    return result


def _out(result: WriteResult) -> DocumentWritten:
    return DocumentWritten(
        **schemas.document_out(result.document).model_dump(),
        path=result.path, action=result.action, index_version=result.index_version,
    )  # fmt: skip


@router.post(
    "/documents", status_code=201, response_model=DocumentWritten,
    dependencies=[Depends(require_write)], responses=_ERRORS, openapi_extra=_UPLOAD_DOC,
)  # fmt: skip
async def put_document(request: Request):
    """Add or replace a document: multipart field `file`, or JSON {title, text, url?}.

    Returns once the document is answerable, with the index version that has it.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    writer = _writer(request)
    if kind == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidDocument("send the document in a multipart field named 'file'")
        data = await upload.read()
        result = await _timed(request, writer.put_file, upload.filename or "", data)
    elif kind == "application/json":
        try:
            body = TextDocumentIn.model_validate(json.loads(await request.body()))
        except json.JSONDecodeError as exc:
            raise InvalidDocument(f"the body is not valid JSON: {exc}") from exc
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from exc
        result = await _timed(request, writer.put_text, body.title, body.text, body.url)
    else:
        return error_response(
            415, "unsupported_media_type",
            f"content type {kind or '(none)'!r} is not accepted",
            "send multipart/form-data with a 'file' field, or application/json "
            "with title and text",
        )  # fmt: skip
    return _out(result)


@router.delete(
    "/documents/{document_id}", response_model=DocumentWritten,
    dependencies=[Depends(require_write)], responses=_ERRORS,
)  # fmt: skip
async def delete_document(document_id: str, request: Request) -> DocumentWritten:
    """Remove a document from the corpus folder and from every answer, before returning."""
    return _out(await _timed(request, _writer(request).delete, document_id))
