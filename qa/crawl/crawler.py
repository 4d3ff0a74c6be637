"""Fetch a documentation site into a corpus folder.

Same scheme, host and path prefix as the start address only; robots.txt obeyed (its
Crawl-delay too); sitemap.xml addresses added to the links found; a fixed number of
connections with a delay between rounds; re-crawls ask with If-None-Match /
If-Modified-Since and rewrite only pages whose bytes changed, so `qa index` re-embeds
only those; pages the site no longer has are removed. Redirects are followed hop by
hop inside the scope only; off-site redirects and loops are refused. A page limit, a
per-page and a total byte limit stop a site that never ends, with a message naming
the limit (and then nothing unreached is removed).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin
from urllib.robotparser import RobotFileParser

from qa.corpus.folder import is_hidden, write_atomic
from qa.crawl import pages, state
from qa.crawl.fetch import Fetcher, FetchError, Response
from qa.crawl.scope import Scope, normalize
from qa.errors import CrawlFailed

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
MAX_SITEMAPS = 20
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Links to these are files, not pages: not fetched.
_NOT_PAGES = tuple(
    f".{suffix}"
    for suffix in """png jpg jpeg gif svg webp ico css js map json xml txt pdf zip gz tgz bz2 xz
    whl tar woff woff2 ttf eot mp3 mp4 webm avi mov csv""".split()
)


@dataclass(frozen=True)
class CrawlLimits:
    """How much and how fast a crawl fetches (QA_CRAWL_* settings)."""

    max_pages: int = 1000
    max_page_bytes: int = 5 * 1024 * 1024
    max_total_bytes: int = 500 * 1024 * 1024
    concurrency: int = 4
    delay: float = 0.25
    timeout: float = 20.0
    user_agent: str = "qa-bot-crawler"

    @classmethod
    def from_settings(cls, settings) -> CrawlLimits:
        return cls(
            max_pages=settings.crawl_max_pages,
            max_page_bytes=settings.crawl_max_page_bytes,
            max_total_bytes=settings.crawl_max_total_bytes,
            concurrency=settings.crawl_concurrency,
            delay=settings.crawl_delay,
            timeout=settings.crawl_timeout,
            user_agent=settings.crawl_user_agent,
        )


@dataclass(frozen=True)
class CrawlReport:
    """What a crawl changed in its folder (paths relative to the corpus), what it refused
    and why, and why it stopped early ('' when it read the whole site)."""

    folder: str
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    refused: tuple[tuple[str, str], ...] = ()
    excluded: int = 0  # links robots.txt disallows
    stopped: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass
class _Outcome:
    """One address visited: a page (or a 304 for it), gone (404/410) or refused."""

    url: str
    final: str = ""
    response: Response | None = None
    unchanged: bool = False
    gone: bool = False
    refused: str = ""
    network: bool = False


@dataclass
class _Run:
    scope: Scope
    folder: Path
    previous: dict[str, state.Saved]
    kept: dict[str, state.Saved] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)  # relative path -> address
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)
    network_errors: int = 0
    pages: int = 0
    total_bytes: int = 0


def crawl(
    start: str,
    corpus: Path,
    limits: CrawlLimits,
    into: str | None = None,
    on_page: Callable[[str], None] = lambda url: None,
) -> CrawlReport:
    """Crawl the site at ``start`` into ``corpus/into`` (default: the host's name)."""
    scope = Scope.of(start)
    start = normalize(start)
    name = into or scope.folder_name()
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or is_hidden(relative) or not name:
        raise CrawlFailed(f"--into must be a plain folder inside the corpus, got {name!r}")
    folder = corpus / relative
    run = _Run(scope, folder, state.load(folder))
    fetcher = Fetcher(limits.concurrency, limits.timeout, limits.user_agent)
    try:
        robots = _robots(fetcher, scope, limits)
        if not robots.can_fetch(limits.user_agent, start):
            raise CrawlFailed(f"robots.txt of {scope.origin} disallows {start}; nothing fetched")
        delay = max(limits.delay, float(robots.crawl_delay(limits.user_agent) or 0))
        queue = deque([start])
        seen = {start}
        for url in _sitemap_urls(fetcher, scope, robots, limits):
            if url not in seen:
                seen.add(url)
                queue.append(url)
        stopped, excluded = _loop(run, fetcher, robots, queue, seen, limits, delay, on_page)
    finally:
        fetcher.close()
    if start in dict(run.refused):  # without it the site's links are unknown: change nothing
        reason = dict(run.refused)[start]
        raise CrawlFailed(f"the start page {start} could not be crawled: it {reason}")
    _settle(run, complete=not stopped and not run.network_errors)
    state.save(folder, start, run.kept)
    prefix = name.rstrip("/") + "/"
    return CrawlReport(
        folder=name,
        added=tuple(prefix + p for p in run.added),
        updated=tuple(prefix + p for p in run.updated),
        unchanged=tuple(prefix + p for p in run.unchanged),
        removed=tuple(prefix + p for p in run.removed),
        refused=tuple(run.refused),
        excluded=excluded,
        stopped=stopped,
    )


def _loop(run, fetcher, robots, queue, seen, limits, delay, on_page) -> tuple[str, int]:
    excluded = 0
    with ThreadPoolExecutor(limits.concurrency, thread_name_prefix="crawl") as pool:
        while queue:
            if run.pages >= limits.max_pages:
                return (
                    f"stopped at the page limit of {limits.max_pages:,} pages "
                    f"(QA_CRAWL_MAX_PAGES) with {len(queue):,} more links not fetched; "
                    "pages not reached this time were kept"
                ), excluded
            batch: list[str] = []
            while queue and len(batch) < min(limits.concurrency, limits.max_pages - run.pages):
                url = queue.popleft()
                if robots.can_fetch(limits.user_agent, url):
                    batch.append(url)
                else:
                    excluded += 1
            outcomes = list(pool.map(lambda url: _visit(fetcher, run, url, limits), batch))
            for outcome in outcomes:
                stop = _record(run, outcome, queue, seen, limits)
                if outcome.response is not None or outcome.unchanged:
                    on_page(outcome.final or outcome.url)
                if stop:
                    return stop, excluded
            if queue:
                time.sleep(delay)
    return "", excluded


def _visit(fetcher: Fetcher, run: _Run, url: str, limits: CrawlLimits) -> _Outcome:
    """GET one address, following redirects that stay in scope (worker thread)."""
    headers = {}
    saved = run.previous.get(url)
    if saved and (run.folder / saved.path).is_file():
        if saved.etag:
            headers["If-None-Match"] = saved.etag
        if saved.last_modified:
            headers["If-Modified-Since"] = saved.last_modified
    chain = [url]
    current = url
    while True:
        try:
            answer = fetcher.get(current, limits.max_page_bytes, headers)
        except FetchError as exc:
            return _Outcome(url, refused=f"could not be fetched ({exc})", network=True)
        if answer.status in (301, 302, 303, 307, 308):
            target = normalize(urljoin(current, answer.headers.get("location", "")))
            if not run.scope.contains(target):
                return _Outcome(url, refused=f"redirects off-site to {target}; not followed")
            if target in chain:
                loop = " -> ".join([*chain, target])
                return _Outcome(url, refused=f"is a redirect loop ({loop})")
            if len(chain) > MAX_REDIRECTS:
                return _Outcome(url, refused=f"takes more than {MAX_REDIRECTS} redirects")
            chain.append(target)
            current = target
            headers = {}
            continue
        if answer.status == 304 and saved and len(chain) == 1:
            return _Outcome(url, final=url, unchanged=True)
        if answer.status in (404, 410):
            return _Outcome(url, gone=True)
        if answer.status != 200:
            return _Outcome(url, refused=f"answered HTTP {answer.status}")
        kind = answer.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind not in _HTML_TYPES:
            return _Outcome(url, refused=f"is not an HTML page ({kind or 'no content type'})")
        if answer.too_large:
            return _Outcome(
                url,
                refused=f"is larger than {limits.max_page_bytes:,} bytes "
                "(QA_CRAWL_MAX_PAGE_BYTES); not saved",
            )
        return _Outcome(url, final=current, response=answer)


def _record(run: _Run, outcome: _Outcome, queue, seen, limits: CrawlLimits) -> str:
    """Apply one visit to the folder and the queue (main thread); a reason to stop, or ''."""
    if outcome.refused:
        run.refused.append((outcome.url, outcome.refused))
        run.network_errors += outcome.network
        if outcome.url in run.previous:  # a failure this time is not a page gone
            run.kept[outcome.url] = run.previous[outcome.url]
        return ""
    if outcome.gone:
        run.gone.add(outcome.url)
        return ""
    if outcome.unchanged:
        saved = run.previous[outcome.url]
        run.kept[outcome.url] = saved
        run.paths[saved.path] = outcome.url
        run.unchanged.append(saved.path)
        run.pages += 1
        page = (run.folder / saved.path).read_bytes().decode("utf-8", "replace")
        _enqueue(run, outcome.url, page, queue, seen)
        return ""
    final, answer = outcome.final, outcome.response
    assert answer is not None
    seen.add(final)
    if final in run.kept:
        return ""  # a redirect to a page already saved, or that page reached again
    text = answer.body.decode(answer.encoding or "utf-8", "replace")
    data = pages.with_source(text, final).encode("utf-8")
    if run.total_bytes + len(data) > limits.max_total_bytes:
        return (
            f"stopped at the byte limit of {limits.max_total_bytes:,} bytes "
            "(QA_CRAWL_MAX_TOTAL_BYTES); pages not reached this time were kept"
        )
    run.total_bytes += len(data)
    run.pages += 1
    path = _path_for(run, final)
    target = run.folder / path
    existing = target.read_bytes() if target.is_file() else None
    if existing == data:
        run.unchanged.append(path)
    else:
        write_atomic(target, data)
        (run.updated if existing is not None else run.added).append(path)
    run.kept[final] = state.Saved(
        path, answer.headers.get("etag", ""), answer.headers.get("last-modified", "")
    )
    _enqueue(run, final, text, queue, seen)
    return ""


def _path_for(run: _Run, url: str) -> str:
    """The page's file; a second address that maps to the same name gets a hash."""
    saved = run.previous.get(url)
    path = saved.path if saved else run.scope.relative_path(url)
    if run.paths.get(path, url) != url:
        stem = path.rsplit(".", 1)[0]
        path = f"{stem}-{hashlib.sha1(url.encode()).hexdigest()[:8]}.html"
    run.paths[path] = url
    return path


def _enqueue(run: _Run, url: str, page: str, queue, seen) -> None:
    hrefs, base, nofollow = pages.links(page)
    if nofollow:
        return
    base = urljoin(url, base) if base else url
    for href in hrefs:
        found = run.scope.resolve(base, href)
        if found and found not in seen and not found.lower().endswith(_NOT_PAGES):
            seen.add(found)
            queue.append(found)


def _settle(run: _Run, complete: bool) -> None:
    """Remove pages the site no longer has: those that answered 404/410, and, after a
    complete crawl, those no link or sitemap reaches any more."""
    for url, saved in run.previous.items():
        if url in run.kept:
            continue
        if url in run.gone or complete:
            target = run.folder / saved.path
            if target.is_file():
                target.unlink()
                run.removed.append(saved.path)
                _prune(target.parent, run.folder)
        else:
            run.kept[url] = saved


def _prune(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _robots(fetcher: Fetcher, scope: Scope, limits: CrawlLimits) -> RobotFileParser:
    """The site's robots.txt: none (4xx) allows everything; a server error or no answer
    means the site cannot say, so the crawl does not start (RFC 9309)."""
    url = scope.origin + "/robots.txt"
    parser = RobotFileParser(url)
    try:
        answer = _same_origin_get(fetcher, scope, url, limits)
    except FetchError as exc:
        raise CrawlFailed(f"{scope.origin} cannot be reached: {exc}") from exc
    if answer is not None and answer.status >= 500:
        raise CrawlFailed(
            f"{url} answered HTTP {answer.status}; a crawl waits until the site can say "
            "what it allows"
        )
    lines = []
    if answer is not None and answer.status == 200:
        lines = answer.body.decode("utf-8", "replace").splitlines()
    parser.parse(lines)
    parser.modified()
    return parser


def _sitemap_urls(fetcher, scope: Scope, robots: RobotFileParser, limits) -> list[str]:
    """Addresses in scope from the site's sitemaps (robots.txt's, /sitemap.xml and the
    prefix's sitemap.xml), following sitemap indexes up to MAX_SITEMAPS files."""
    pending = deque(
        dict.fromkeys(
            [
                *(urljoin(scope.origin + "/", url) for url in robots.site_maps() or []),
                scope.origin + "/sitemap.xml",
                scope.origin + scope.prefix + "sitemap.xml",
            ]
        )
    )
    read, found = 0, []
    while pending and read < MAX_SITEMAPS:
        url = normalize(pending.popleft())
        if not url.startswith(scope.origin + "/"):
            continue  # another site's sitemap says nothing about this one
        read += 1
        try:
            answer = _same_origin_get(fetcher, scope, url, limits)
        except FetchError:
            continue
        if answer is None or answer.status != 200 or answer.too_large:
            continue
        locations, is_index = pages.sitemap_locations(answer.body)
        for location in (normalize(urljoin(url, loc)) for loc in locations):
            if is_index:
                pending.append(location)
            elif scope.contains(location):
                found.append(location)
    return found


def _same_origin_get(fetcher: Fetcher, scope: Scope, url: str, limits) -> Response | None:
    """GET following redirects on the site's own host; None when one leaves it."""
    for _ in range(MAX_REDIRECTS + 1):
        answer = fetcher.get(url, limits.max_page_bytes)
        if answer.status not in (301, 302, 303, 307, 308):
            return answer
        url = normalize(urljoin(url, answer.headers.get("location", "")))
        if not url.startswith(scope.origin + "/"):
            return None
    return None
