"""A small documentation site served by http.server on 127.0.0.1, for crawler tests:
pages with ETag or Last-Modified validators (304 when they match), redirects, a
robots.txt, a sitemap, and a calendar that links to the next day forever. The pages
can change between crawls, and every request is recorded."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: str = ""
    status: int = 200
    etag: str = ""
    last_modified: str = ""
    location: str = ""
    content_type: str = "text/html; charset=utf-8"


@dataclass
class Site:
    routes: dict[str, Route] = field(default_factory=dict)
    dynamic: list[Callable[[str], Route | None]] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    url: str = ""

    def page(self, path: str, title: str, text: str, links: tuple[str, ...] = (), **kw) -> None:
        anchors = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
        body = (
            f"<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1>"
            f"<p>{text}</p><ul>{anchors}</ul></body></html>"
        )
        self.routes[path] = Route(body=body, **kw)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def route(self, path: str) -> Route | None:
        found = self.routes.get(path)
        for make in self.dynamic:
            found = found or make(path)
        return found


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = site.route(self.path)
            if route is None:
                self._send(404, b"not found", {"Content-Type": "text/plain"})
                return
            headers = {"Content-Type": route.content_type}
            if route.location:
                headers["Location"] = route.location
            if route.etag:
                headers["ETag"] = route.etag
                if self.headers.get("If-None-Match") == route.etag:
                    self._send(304, b"", headers)
                    return
            if route.last_modified:
                headers["Last-Modified"] = route.last_modified
                if self.headers.get("If-Modified-Since") == route.last_modified:
                    self._send(304, b"", headers)
                    return
            self._send(route.status, route.body.encode("utf-8"), headers)

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    return Handler


@contextlib.contextmanager
def serve_site(site: Site) -> Iterator[Site]:
    """Serve ``site`` on a free loopback port until the block ends; ``site.url`` is set."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="site", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
