"""Write endpoints: POST /documents (add), PUT /documents/{id} (replace), DELETE.

Thin: parse the request, hand it to qa.build.updates.DocumentWriter on the app's write
threads (qa.build.priority: lower CPU priority than questions, off the event loop),
and say which index version now reflects the change. Adding never replaces: a taken name
answers 409 with the id that holds it, and replacing is PUT on that id.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import UploadFile

from qa.api import schemas
from qa.api.auth import require_write
from qa.api.deps import AppMetrics, Writer, WriteThreads
from qa.api.errors import error_response
from qa.api.metrics import Metrics
from qa.build.updates import DocumentWriter, WriteResult
from qa.corpus.folder import MAX_NAME_BYTES
from qa.corpus.formats import MEDIA_TYPES, SUPPORTED_SUFFIXES
from qa.errors import InvalidDocument, QAError

router = APIRouter()
_WRITE_ERRORS = schemas.error_responses(400, 401, 409, 413, 415, 422, 503)
_MEDIA_TYPES = ", ".join(MEDIA_TYPES)


class TextDocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(..., min_length=1, max_length=500)
    text: str = Field(..., min_length=1)
    source_url: str | None = Field(
        None,
        validation_alias=AliasChoices("source_url", "url"),
        description="where the document lives (http or https); `url` is accepted too",
    )


class DocumentWritten(schemas.DocumentOut):
    path: str = Field(..., description="the file in the corpus folder")
    action: str = Field(..., description="added, replaced or deleted")
    index_version: str = Field(..., description="the first index version with this change")


def _body_doc(verb: str) -> dict:
    kinds = ", ".join(SUPPORTED_SUFFIXES)
    return {
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {
                                "type": "string",
                                "format": "binary",
                                "description": f"the document to {verb}: a file named *{kinds}* "
                                f"(at most {MAX_NAME_BYTES} bytes of UTF-8, no folders)",
                            }
                        },
                        "required": ["file"],
                    },
                    "encoding": {"file": {"contentType": _MEDIA_TYPES}},
                },
                "application/json": {"schema": TextDocumentIn.model_json_schema()},
            },
            "required": True,
        }
    }


_LINKS = {
    "links": {
        "GetDocument": {
            "operationId": "get_document",
            "parameters": {"document_id": "$response.body#/id"},
        },
        "ReplaceDocument": {
            "operationId": "replace_document",
            "parameters": {"document_id": "$response.body#/id"},
        },
        "DeleteDocument": {
            "operationId": "delete_document",
            "parameters": {"document_id": "$response.body#/id"},
        },
    }
}


@dataclass(frozen=True)
class Writes:
    """The app's document writer, run off the event loop on its write threads, with each
    write's duration counted in the app's metrics."""

    writer: DocumentWriter
    threads: ThreadPoolExecutor
    counters: Metrics

    async def run(self, write, *args) -> WriteResult:
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self.threads, write, *args)
        self.counters.observe_update(result.action, time.perf_counter() - started)
        return result


async def _writes(writer: Writer, threads: WriteThreads, counters: AppMetrics) -> Writes:
    return Writes(writer, threads, counters)


AppWrites = Annotated[Writes, Depends(_writes)]


def _out(result: WriteResult) -> DocumentWritten:
    return DocumentWritten(
        **schemas.document_out(result.document).model_dump(),
        path=result.path,
        action=result.action,
        index_version=result.index_version,
    )


class _Unsupported(QAError):
    pass


async def _read(request: Request) -> tuple[str, bytes] | TextDocumentIn:
    """The request's document: (file name, bytes) from multipart, or the JSON fields."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if isinstance(upload, str):
            raise InvalidDocument(
                "the 'file' field has no file name: send it as a file, with a name such as "
                "notes.txt (its extension says how to read it)"
            )
        if not isinstance(upload, UploadFile):
            raise InvalidDocument("send the document in a multipart field named 'file'")
        return upload.filename or "", await upload.read()
    if kind == "application/json":
        try:
            return TextDocumentIn.model_validate(json.loads(await request.body()))
        except json.JSONDecodeError as exc:
            raise InvalidDocument(f"the body is not valid JSON: {exc}") from exc
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from exc
    raise _Unsupported(kind)


def _unsupported(kind: str):
    return error_response(
        415,
        "unsupported_media_type",
        f"content type {kind or '(none)'!r} is not accepted",
        "send multipart/form-data with a 'file' field, or application/json with title and text",
    )


@router.post(
    "/documents",
    status_code=201,
    response_model=DocumentWritten,
    operation_id="add_document",
    dependencies=[Depends(require_write)],
    openapi_extra=_body_doc("add"),
    responses={**_WRITE_ERRORS, 201: _LINKS},
)
async def add_document(request: Request, writes: AppWrites):
    """Add a document: multipart field `file`, or JSON {title, text, source_url?}.

    Returns once the document is answerable, with the index version that has it. A name
    already in the corpus gets 409 with that document's id: PUT /documents/{id} replaces.
    """
    return await _write(request, writes, writes.writer.add_text, writes.writer.add_file)


@router.put(
    "/documents/{document_id}",
    response_model=DocumentWritten,
    operation_id="replace_document",
    dependencies=[Depends(require_write)],
    openapi_extra=_body_doc("put in its place"),
    responses={**_WRITE_ERRORS, **schemas.error_responses(404)},
)
async def replace_document(document_id: str, request: Request, writes: AppWrites):
    """Replace a document's content, keeping its id and file: a file of the same type, or
    JSON {title, text, source_url?} for a Markdown document. Answerable when it returns."""
    return await _write(
        request,
        writes,
        functools.partial(writes.writer.replace_text, document_id),
        functools.partial(writes.writer.replace_file, document_id),
    )


async def _write(request: Request, writes: Writes, text_write, file_write):
    """Read the body (JSON or a file) and hand it to the matching write."""
    try:
        got = await _read(request)
    except _Unsupported as exc:
        return _unsupported(str(exc))
    if isinstance(got, TextDocumentIn):
        result = await writes.run(text_write, got.title, got.text, got.source_url)
    else:
        result = await writes.run(file_write, *got)
    return _out(result)


@router.delete(
    "/documents/{document_id}",
    response_model=DocumentWritten,
    operation_id="delete_document",
    dependencies=[Depends(require_write)],
    responses=schemas.error_responses(401, 404, 409, 503),
)
async def delete_document(document_id: str, writes: AppWrites) -> DocumentWritten:
    """Remove a document from the corpus folder and from every answer, before returning."""
    return _out(await writes.run(writes.writer.delete, document_id))
