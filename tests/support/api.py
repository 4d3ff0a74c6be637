"""A live qa-bot server under test and a client for it that sends the write key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from qa.api.app import create_app
from qa.build.build import build_index
from qa.runtime import Runtime
from qa.settings import Settings
from tests.support.settings import corpus_settings

WRITE_KEY = "write-secret"
OTTERS = b"Sea otters\n\nSea otters use stones as tools to crack open clams.\n"


@dataclass
class Api:
    url: str
    settings: Settings
    app: Any

    def _send(self, method: str, path: str, key: str | None, **kw) -> httpx.Response:
        """``key`` goes in X-API-Key (None: no key); ``headers`` may override it."""
        kw["headers"] = {**({"X-API-Key": key} if key else {}), **kw.get("headers", {})}
        return httpx.request(method, self.url + path, timeout=120, **kw)

    def post(self, path: str, key: str | None = WRITE_KEY, **kw) -> httpx.Response:
        return self._send("POST", path, key, **kw)

    def put(self, path: str, key: str | None = WRITE_KEY, **kw) -> httpx.Response:
        return self._send("PUT", path, key, **kw)

    def upload(self, name: str, data: bytes, kind: str = "text/plain", **kw) -> httpx.Response:
        return self.post("/documents", files={"file": (name, data, kind)}, **kw)

    def raw_upload(self, disposition: bytes, data: bytes = OTTERS) -> httpx.Response:
        """Multipart written by hand, so the header reaches the server byte for byte."""
        body = (
            b'--b0undary\r\nContent-Disposition: form-data; name="file"'
            + disposition
            + b"\r\nContent-Type: text/plain\r\n\r\n"
            + data
            + b"\r\n--b0undary--\r\n"
        )
        headers = {"Content-Type": "multipart/form-data; boundary=b0undary"}
        return self.post("/documents", content=body, headers=headers)

    def ask(self, question: str) -> dict:
        response = self.post("/ask", key=None, json={"question": question})
        assert response.status_code == 200, response.text
        return response.json()

    def files(self) -> set[str]:
        corpus = self.settings.corpus_dir
        return {p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_file()}


def live_api(tmp_path, embedder, serve_app, **settings: Any) -> Api:
    """A server over the three small test documents, its index built, writes keyed."""
    config = corpus_settings(tmp_path, api_key=WRITE_KEY, **settings)
    build_index(config, embedder)
    app = create_app(Runtime.build(config, embedder), plugins=False)
    return Api(serve_app(app), config, app)
