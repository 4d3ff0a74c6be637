"""A stand-in for Slack's Web API on 127.0.0.1: records every call, can be scripted to fail.

Shaped after bolt-python's own test servers: a threaded ``http.server`` the real
``WebClient`` talks to through ``base_url``.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from harness.background import BackgroundServer

BOT_USER_ID = "UQABOT"
BOT_ID = "BQABOT"


@dataclass(frozen=True)
class Call:
    """One request the stand-in received."""

    method: str  # "chat.postMessage", or "response/<name>" for response_url posts
    body: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.perf_counter)


@dataclass
class Scripted:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


class SlackStandIn(BackgroundServer):
    """Start with ``start()``; ``url`` is the ``SLACK_API_URL`` to give the bot."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.socket_url = "ws://127.0.0.1:9/"
        self._scripts: dict[str, deque[Scripted]] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        server.daemon_threads = True
        self.serve(server)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.base}/response/{name}"

    def script(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        body: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls to ``method`` with ``status`` (and body)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        reply = Scripted(status, body or {"ok": False, "error": f"http_{status}"}, headers)
        with self._lock:
            self._scripts.setdefault(method, deque()).extend([reply] * times)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 15.0) -> list[Call]:
        """Block until ``count`` calls to ``method`` arrived (bounded); return them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                calls = [c for c in self.calls if c.method == method]
                left = deadline - time.monotonic()
                if len(calls) >= count or left <= 0:
                    return calls
                self._changed.wait(left)

    def _reply(self, method: str, body: dict[str, Any], headers: dict[str, str]) -> Scripted:
        with self._changed:
            self.calls.append(Call(method, body, headers))
            self._changed.notify_all()
            queue = self._scripts.get(method)
            if queue:
                return queue.popleft()
        if method == "auth.test":
            ok = {"user_id": BOT_USER_ID, "bot_id": BOT_ID, "team_id": "T0001", "user": "qa-bot"}
        elif method == "apps.connections.open":
            ok = {"url": self.socket_url}
        elif method == "chat.postMessage":
            ok = {"channel": body.get("channel"), "ts": f"{time.time():.6f}"}
        else:
            ok = {}
        return Scripted(200, {"ok": True, **ok}, {})

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body = json.loads(raw or b"{}")
                else:
                    body = dict(parse_qsl(raw.decode()))
                path = self.path.split("?")[0]
                method = path.removeprefix("/api/") if path.startswith("/api/") else path[1:]
                reply = standin._reply(method, body, dict(self.headers))
                data = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
