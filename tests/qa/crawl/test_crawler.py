"""`qa crawl` against a local site: scope, robots.txt, sitemap, redirects, conditional
re-crawls, pages that disappear, an endless calendar; then `qa index` picks it up."""

from __future__ import annotations

import re

import pytest

from qa.corpus.loader import load_bytes
from qa.crawl import state
from qa.crawl.crawler import CrawlLimits, crawl
from qa.errors import CrawlFailed
from tests.support.site import Route, Site, serve_site

LIMITS = CrawlLimits(delay=0.0, timeout=10.0)


def documentation_site() -> Site:
    site = Site()
    site.routes["/robots.txt"] = Route(
        "User-agent: *\nDisallow: /docs/private/\nSitemap: /docs/pages.xml\n",
        content_type="text/plain",
    )
    site.page(
        "/docs/",
        "Manual",
        "The manual explains the tool.",
        links=tuple(
            """guide.html changing.html#part gone.html private/secret.html away.html
            loop-a.html /other/outside.html http://elsewhere.invalid/x moved.html
            style.css""".split()
        ),
    )
    site.page(
        "/docs/guide.html",
        "Guide",
        "Install the tool with pip.",
        ("/docs/",),
        last_modified="Mon, 01 Dec 2025 10:00:00 GMT",
    )
    site.page("/docs/changing.html", "Changing", "Version one of this page.", etag='"v1"')
    site.page("/docs/gone.html", "Gone", "This page will disappear.", etag='"g1"')
    site.page("/docs/orphan.html", "Orphan", "Only the sitemap lists this page.")
    site.page("/docs/private/secret.html", "Secret", "Robots keep this out.")
    site.page("/docs/target.html", "Target", "Moved pages land here.")
    site.page("/other/outside.html", "Outside", "Outside the prefix.")
    site.routes["/docs/away.html"] = Route(status=302, location="http://elsewhere.invalid/")
    site.routes["/docs/loop-a.html"] = Route(status=301, location="/docs/loop-b.html")
    site.routes["/docs/loop-b.html"] = Route(status=301, location="/docs/loop-a.html")
    site.routes["/docs/moved.html"] = Route(status=301, location="/docs/target.html")
    site.routes["/docs/pages.xml"] = Route(  # a sitemap index, as large sites have
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>/docs/pages-1.xml</loc></sitemap></sitemapindex>",
        content_type="application/xml",
    )
    site.routes["/docs/pages-1.xml"] = Route(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>{url}/docs/orphan.html</loc></url>"
        "<url><loc>http://elsewhere.invalid/docs/x.html</loc></url></urlset>",
        content_type="application/xml",
    )
    return site


@pytest.fixture
def site():
    with serve_site(documentation_site()) as served:
        sitemap = served.routes["/docs/pages-1.xml"]
        sitemap.body = sitemap.body.replace("{url}", served.url)
        yield served


def test_first_crawl_saves_the_site_in_scope_with_sources(site, tmp_path):
    report = crawl(site.url + "/docs/", tmp_path, LIMITS, into="manual")

    saved = "changing gone guide index orphan target".split()
    assert sorted(report.added) == [f"manual/{name}.html" for name in saved]
    assert not report.updated and not report.removed and not report.stopped
    refused = dict(report.refused)
    assert (
        "redirects off-site to http://elsewhere.invalid/" in refused[site.url + "/docs/away.html"]
    )
    assert "redirect loop" in refused[site.url + "/docs/loop-a.html"]
    assert report.excluded == 1  # private/secret.html, by robots.txt
    fetched = site.paths()
    assert "/docs/private/secret.html" not in fetched and "/other/outside.html" not in fetched
    assert "/docs/style.css" not in fetched
    page = (tmp_path / "manual/guide.html").read_bytes()
    doc = load_bytes("manual/guide.html", page)
    assert doc.source == site.url + "/docs/guide.html" and "Install the tool" in doc.text
    moved = load_bytes("manual/target.html", (tmp_path / "manual/target.html").read_bytes())
    assert moved.source == site.url + "/docs/target.html"
    assert state.STATE_FILE in {p.name for p in (tmp_path / "manual").iterdir()}


def test_a_recrawl_asks_conditionally_rewrites_changes_and_removes_the_gone(site, tmp_path):
    crawl(site.url + "/docs/", tmp_path, LIMITS, into="manual")
    untouched = (tmp_path / "manual/guide.html").stat().st_mtime_ns
    site.page("/docs/changing.html", "Changing", "Version two of this page.", etag='"v2"')
    del site.routes["/docs/gone.html"]
    site.requests.clear()

    report = crawl(site.url + "/docs/", tmp_path, LIMITS, into="manual")

    assert report.updated == ("manual/changing.html",)
    assert report.removed == ("manual/gone.html",)
    assert not report.added
    assert set(report.unchanged) >= {"manual/guide.html", "manual/index.html"}
    headers = dict(site.requests)
    assert headers["/docs/changing.html"]["if-none-match"] == '"v1"'
    assert headers["/docs/guide.html"]["if-modified-since"] == "Mon, 01 Dec 2025 10:00:00 GMT"
    assert (tmp_path / "manual/guide.html").stat().st_mtime_ns == untouched
    assert not (tmp_path / "manual/gone.html").exists()
    assert "Version two" in (tmp_path / "manual/changing.html").read_text()


def test_a_page_no_longer_linked_is_removed_after_a_complete_crawl(site, tmp_path):
    crawl(site.url + "/docs/", tmp_path, LIMITS, into="manual")
    site.routes["/docs/pages.xml"].body = "<urlset/>"

    report = crawl(site.url + "/docs/", tmp_path, LIMITS, into="manual")

    assert report.removed == ("manual/orphan.html",)


def test_an_endless_calendar_stops_at_the_page_limit(tmp_path):
    def day(path: str) -> Route | None:
        match = re.fullmatch(r"/cal/day-(\d+)\.html", path)
        if not match:
            return None
        n = int(match.group(1))
        return Route(f"<title>Day {n}</title><p>Day {n}.</p><a href='day-{n + 1}.html'>next</a>")

    with serve_site(Site(dynamic=[day])) as site:
        limits = CrawlLimits(max_pages=12, delay=0.0, concurrency=3)
        report = crawl(site.url + "/cal/day-1.html", tmp_path, limits)

    assert len(report.added) == 12
    assert "page limit of 12 pages (QA_CRAWL_MAX_PAGES)" in report.stopped
    assert len([p for p in site.paths() if p.startswith("/cal/day-")]) == 12


def test_a_page_over_the_byte_limit_is_refused_naming_it(site, tmp_path):
    site.page("/docs/guide.html", "Guide", "x" * 5000)
    limits = CrawlLimits(max_page_bytes=2048, delay=0.0)

    report = crawl(site.url + "/docs/", tmp_path, limits, into="manual")

    reason = dict(report.refused)[site.url + "/docs/guide.html"]
    assert "larger than 2,048 bytes (QA_CRAWL_MAX_PAGE_BYTES)" in reason
    assert not (tmp_path / "manual/guide.html").exists()


def test_a_site_down_is_a_clear_failure_and_removes_nothing(site, tmp_path):
    crawl(site.url + "/docs/", tmp_path, LIMITS, into="manual")
    before = sorted(p.name for p in (tmp_path / "manual").iterdir())
    site.routes["/robots.txt"] = Route("busy", status=503, content_type="text/plain")

    with pytest.raises(CrawlFailed, match="robots.txt answered HTTP 503"):
        crawl(site.url + "/docs/", tmp_path, LIMITS, into="manual")
    site.routes.pop("/robots.txt")
    site.routes["/docs/"] = Route("broken", status=500)
    with pytest.raises(CrawlFailed, match="start page .* answered HTTP 500"):
        crawl(site.url + "/docs/", tmp_path, LIMITS, into="manual")

    assert sorted(p.name for p in (tmp_path / "manual").iterdir()) == before


@pytest.mark.parametrize(
    ("start", "into", "reason"),
    [
        ("ftp://example.com/docs/", None, "http:// or https://"),
        ("not a url", None, "http:// or https://"),
        ("http://127.0.0.1:9/docs/", "../escape", "plain folder inside the corpus"),
    ],
)
def test_bad_start_addresses_and_folders_are_refused(tmp_path, start, into, reason):
    with pytest.raises(CrawlFailed, match=reason):
        crawl(start, tmp_path, LIMITS, into=into)
