"""``POST /slack/events``: the HTTP edge for events, slash commands and interactivity.

Our own small handler around ``App.dispatch`` rather than bolt's Starlette adapter,
because the adapter decodes the body before verifying it (a non-UTF-8 body becomes a
500) and calls the synchronous ``dispatch`` on the event loop. Here the signature is
checked on the raw bytes first (401, nothing triggered), anything malformed is a 400,
and dispatch runs in a worker thread.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable

from slack_bolt import BoltRequest
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.app import Bot

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are a few KB
MAX_CLOCK_SKEW = 5 * 60


class BadRequest(Exception):
    """The request is not something Slack would send; carries the HTTP status."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def verify(secret: bytes, body: bytes, timestamp: str | None, signature: str | None) -> None:
    """Slack's v0 request signature: HMAC-SHA256 of ``v0:{ts}:{body}``, ts within 5 min."""
    if not timestamp or not signature:
        raise BadRequest(401, "missing signature headers")
    if not timestamp.isascii() or not timestamp.isdigit():
        raise BadRequest(400, "malformed X-Slack-Request-Timestamp")
    if abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW:
        raise BadRequest(401, "stale request timestamp")
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise BadRequest(401, "invalid signature")


def to_bolt_request(request: Request, body: bytes) -> BoltRequest:
    """Decode and parse a verified body; bolt gets only well-formed payloads."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadRequest(400, "body is not UTF-8") from e
    try:
        bolt_request = BoltRequest(
            body=text, query=request.url.query, headers=dict(request.headers)
        )
    except Exception as e:  # bad JSON (body or form payload), or a payload of the wrong shape
        raise BadRequest(400, "body is not a Slack payload") from e
    if not well_shaped(bolt_request.body):
        raise BadRequest(400, "body is not a Slack payload")
    return bolt_request


_OBJECTS = ("event", "team", "user", "channel", "container", "view", "message", "enterprise")
_LISTS = ("actions", "authorizations")


def well_shaped(body: object) -> bool:
    """The fields bolt's middleware reaches into have the types Slack sends.

    bolt turns an AttributeError on, say, ``"event": "x"`` into a 500; a signed but
    odd payload is the sender's mistake, so it gets a 400 here instead.
    """
    if not isinstance(body, dict) or not body:
        return False
    if any(not isinstance(body.get(key) or {}, dict) for key in _OBJECTS):
        return False
    for key in _LISTS:
        items = body.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            return False
    return True


def slack_events_endpoint(
    bot: Bot, signing_secret: str
) -> Callable[[Request], Awaitable[Response]]:
    """The FastAPI/Starlette route function for ``/slack/events``."""
    secret = signing_secret.encode()

    async def slack_events(request: Request) -> Response:
        try:
            if int(request.headers.get("content-length") or 0) > MAX_BODY_BYTES:
                raise BadRequest(413, "body too large")
            body = await request.body()
            if len(body) > MAX_BODY_BYTES:
                raise BadRequest(413, "body too large")
            verify(
                secret,
                body,
                request.headers.get("x-slack-request-timestamp"),
                request.headers.get("x-slack-signature"),
            )
            bolt_request = to_bolt_request(request, body)
        except BadRequest as e:
            logger.warning("rejected /slack/events request: %s", e)
            return PlainTextResponse(str(e), status_code=e.status)
        except ValueError:  # a non-numeric Content-Length
            return PlainTextResponse("bad request", status_code=400)
        try:
            bolt_response = await run_in_threadpool(bot.app.dispatch, bolt_request)
        except Exception:  # a signed payload bolt cannot route (wrong field types)
            logger.exception("could not dispatch a signed Slack request")
            return PlainTextResponse("unreadable Slack payload", status_code=400)
        if bolt_response.status >= 500:
            # Listeners run after the ack, so a 5xx here comes from bolt's middleware
            # choking on a payload shape we did not foresee: the sender's fault.
            logger.warning("bolt answered %d; returning 400", bolt_response.status)
            return PlainTextResponse("unreadable Slack payload", status_code=400)
        return Response(
            content=bolt_response.body,
            status_code=bolt_response.status,
            headers=bolt_response.first_headers_without_set_cookie(),
        )

    return slack_events
