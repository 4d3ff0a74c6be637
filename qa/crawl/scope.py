"""Which addresses a crawl may fetch (same scheme, host and path prefix as its start) and
the file each one is saved as inside the crawl's folder."""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urldefrag, urljoin, urlsplit, urlunsplit

from qa.errors import CrawlFailed

_UNSAFE = re.compile(r"[^A-Za-z0-9._~+-]+")
_MAX_PART = 100
_HTML = (".html", ".htm")


def normalize(url: str) -> str:
    """The address without its fragment, with an explicit path and a lower-case host."""
    parts = urlsplit(urldefrag(url.strip()).url)
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
    )


@dataclass(frozen=True)
class Scope:
    """Pages below ``prefix`` on ``origin`` (scheme://host[:port])."""

    origin: str
    prefix: str

    @classmethod
    def of(cls, start: str) -> Scope:
        """The scope of a start address: its folder (``/docs/`` for ``/docs/index.html``)."""
        parts = urlsplit(normalize(start))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CrawlFailed(
                f"the start address must be an http:// or https:// URL, got {start!r}"
            )
        prefix = parts.path if parts.path.endswith("/") else posixpath.dirname(parts.path) + "/"
        return cls(f"{parts.scheme}://{parts.netloc}", prefix.replace("//", "/"))

    def contains(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.origin and parts.path.startswith(
            self.prefix
        )

    def resolve(self, base: str, href: str) -> str | None:
        """``href`` on page ``base`` as a normalized address in scope, else None."""
        if not href or href.startswith(("mailto:", "javascript:", "tel:", "data:")):
            return None
        url = normalize(urljoin(base, href))
        return url if self.contains(url) else None

    def folder_name(self) -> str:
        """The default folder for the site in the corpus: its host (and port)."""
        return _UNSAFE.sub("-", urlsplit(self.origin).netloc).strip("-") or "site"

    def relative_path(self, url: str) -> str:
        """The file a page is saved as below the crawl's folder: its path after the
        prefix, ``index.html`` for folders, ``.html`` added where missing, and a short
        hash of the query so ``?page=2`` is a file of its own."""
        parts = urlsplit(url)
        rest = unquote(parts.path[len(self.prefix) :])
        pieces = [p for p in rest.split("/") if p not in ("", ".", "..")]
        if not pieces or parts.path.endswith("/"):
            pieces.append("index.html")
        pieces = [_safe_part(p) for p in pieces]
        stem, suffix = posixpath.splitext(pieces[-1])
        if suffix.lower() not in _HTML:
            stem, suffix = pieces[-1], ".html"
        if parts.query:
            stem += "-q" + hashlib.sha1(parts.query.encode()).hexdigest()[:10]
        pieces[-1] = stem + suffix
        return "/".join(pieces)


def _safe_part(part: str) -> str:
    """A path part as a file name: plain characters only, never hidden, bounded."""
    safe = _UNSAFE.sub("-", part).strip("-") or "_"
    if safe.startswith("."):
        safe = "_" + safe
    if len(safe) > _MAX_PART:
        safe = safe[:80] + "-" + hashlib.sha1(part.encode()).hexdigest()[:10]
    return safe
