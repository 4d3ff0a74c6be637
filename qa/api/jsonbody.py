"""Check every JSON request body once, before any route parses it.

Python's json module decodes bytes by guessing their encoding and recurses once per level
of nesting, so a body that is not UTF-8, or that opens 100,000 brackets, fails inside a
parser with an error no route expects. This middleware reads the body (already bounded
by BodySizeLimit, which sits outside it), refuses those two cases with a 422, and hands
the same bytes on; malformed JSON is left to the route, which says what is wrong.
"""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool

from qa.api.errors import error_response

_INLINE = 64 * 1024  # larger bodies are parsed off the event loop


def json_problem(body: bytes) -> tuple[str, str] | None:
    """(error code, message) when ``body`` must be refused before parsing, else None."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return "invalid_encoding", (
            f"the JSON body is not UTF-8: byte 0x{body[exc.start]:02x} at position {exc.start} "
            f"({exc.reason}); send UTF-8"
        )
    try:
        json.loads(text)
    except RecursionError:
        return "too_deep", "the JSON body is nested too deeply to read (over 900 levels)"
    except ValueError:
        return None
    return None


class JsonBodyGuard:
    """ASGI middleware for ``application/json`` bodies (see the module docstring)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        parts, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            parts.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(parts)
        if len(body) <= _INLINE:
            problem = json_problem(body)
        else:
            problem = await run_in_threadpool(json_problem, body)
        if problem is not None:
            await error_response(422, *problem)(scope, receive, send)
            return
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _is_json(scope) -> bool:
    for name, value in scope.get("headers") or ():
        if name == b"content-type":
            kind = value.split(b";")[0].strip().lower()
            return kind == b"application/json" or kind.endswith(b"+json")
    return False
