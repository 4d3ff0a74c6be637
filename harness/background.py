"""Run a stand-in server's ``serve_forever`` on a daemon thread between start and stop."""

from __future__ import annotations

import threading
from typing import Any, Self


class BackgroundServer:
    """Base of the stand-ins: a subclass hands its server to ``serve`` in ``__init__``."""

    _server: Any

    def serve(self, server: Any) -> None:
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        close = getattr(self._server, "server_close", None)
        if close is not None:
            close()
        self._thread.join(5)
