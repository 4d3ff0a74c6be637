"""A stand-in for Slack's Socket Mode WebSocket: sends envelopes, records what comes back."""

from __future__ import annotations

import json
import queue
import threading
import time
from typing import Any

from websockets.sync.server import ServerConnection, serve

from harness.background import BackgroundServer


class SocketStandIn(BackgroundServer):
    """``url`` goes into the Web API stand-in's ``apps.connections.open`` answer."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.connected = threading.Event()
        self._outbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self._lock = threading.Condition()
        self.serve(serve(self._handle, "127.0.0.1", 0))

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/"

    def send(self, envelope: dict[str, Any]) -> None:
        self._outbox.put(envelope)

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for message in self.received:
                    if message.get("envelope_id") == envelope_id:
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._lock.wait(left)

    def _handle(self, ws: ServerConnection) -> None:
        ws.send(json.dumps(hello()))
        self.connected.set()
        while True:
            try:
                while not self._outbox.empty():
                    ws.send(json.dumps(self._outbox.get_nowait()))
                raw = ws.recv(timeout=0.02)
            except TimeoutError:
                continue
            except Exception:  # the client went away
                return
            with self._lock:
                self.received.append(json.loads(raw))
                self._lock.notify_all()


def hello() -> dict[str, Any]:
    return {
        "type": "hello",
        "num_connections": 1,
        "debug_info": {"host": "standin", "approximate_connection_time": 18060},
        "connection_info": {"app_id": "A0001"},
    }


def events_api_envelope(payload: dict[str, Any], envelope_id: str) -> dict[str, Any]:
    return {
        "envelope_id": envelope_id,
        "payload": payload,
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
    }
