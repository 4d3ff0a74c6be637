"""HTTP for the crawler (httpx): a fixed pool of connections, no automatic redirects (the
crawler checks each hop against its scope), bodies read only up to a byte limit."""

from __future__ import annotations

from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes
    too_large: bool  # the body went past the limit and was cut there
    encoding: str | None


class FetchError(Exception):
    """No HTTP answer: the connection failed or timed out."""


class Fetcher:
    def __init__(self, connections: int, timeout: float, user_agent: str) -> None:
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": user_agent},
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        )

    def get(self, url: str, max_bytes: int, headers: dict[str, str] | None = None) -> Response:
        """One GET; a body past ``max_bytes`` (after content decoding) is cut and flagged."""
        try:
            with self._client.stream("GET", url, headers=headers or {}) as answer:
                body = bytearray()
                too_large = False
                for chunk in answer.iter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        too_large = True
                        break
                return Response(
                    answer.status_code,
                    {k.lower(): v for k, v in answer.headers.items()},
                    bytes(body[:max_bytes]),
                    too_large,
                    answer.charset_encoding,
                )
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        self._client.close()
