"""A crawl's scope and the files its pages are saved as."""

from __future__ import annotations

import pytest

from qa.crawl.pages import links, sitemap_locations, with_source
from qa.crawl.scope import Scope, normalize
from qa.errors import CrawlFailed

SCOPE = Scope.of("https://Docs.Example.com/guide/index.html")


def test_the_scope_is_the_start_pages_folder_on_its_host():
    assert (SCOPE.origin, SCOPE.prefix) == ("https://docs.example.com", "/guide/")
    assert SCOPE.contains("https://docs.example.com/guide/a/b.html")
    assert not SCOPE.contains("https://docs.example.com/blog/a.html")
    assert not SCOPE.contains("http://docs.example.com/guide/a.html")  # another scheme
    assert not SCOPE.contains("https://docs.example.com:8443/guide/a.html")
    assert SCOPE.resolve("https://docs.example.com/guide/x.html", "y.html#frag") == (
        "https://docs.example.com/guide/y.html"
    )
    assert SCOPE.resolve("https://docs.example.com/guide/", "mailto:a@b.c") is None


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://docs.example.com/guide/", "index.html"),
        ("https://docs.example.com/guide/api/", "api/index.html"),
        ("https://docs.example.com/guide/api/os.html", "api/os.html"),
        ("https://docs.example.com/guide/api/os", "api/os.html"),
        ("https://docs.example.com/guide/.hidden/x", "_.hidden/x.html"),
        ("https://docs.example.com/guide/a%20b/c%3Fd.htm", "a-b/c-d.htm"),
    ],
)
def test_pages_are_saved_as_plain_visible_files(url, path):
    assert SCOPE.relative_path(normalize(url)) == path


def test_a_query_gets_a_file_of_its_own():
    one = SCOPE.relative_path("https://docs.example.com/guide/list?page=1")
    two = SCOPE.relative_path("https://docs.example.com/guide/list?page=2")
    assert one != two and one.startswith("list-q") and one.endswith(".html")


def test_only_http_start_addresses():
    with pytest.raises(CrawlFailed, match="http:// or https://"):
        Scope.of("file:///etc/passwd")


def test_the_source_meta_goes_first_in_the_head_once():
    page = '<html><head><meta name="qa-source" content="old"><title>T</title></head></html>'
    saved = with_source(page, 'https://x.example/a?b=1&c="2"')
    assert saved.count("qa-source") == 1
    assert (
        '<head><meta name="qa-source" content="https://x.example/a?b=1&amp;c=&quot;2&quot;">'
        in saved
    )
    assert with_source("<p>No head</p>", "https://x.example/").startswith("<head><meta")


def test_links_base_and_nofollow():
    hrefs, base, nofollow = links(
        '<base href="/root/"><a href="a.html">a</a><a rel="nofollow" href="b.html">b</a>'
        '<meta name="robots" content="noindex, nofollow">'
    )
    assert hrefs == ["a.html"] and base == "/root/" and nofollow


def test_sitemaps_and_sitemap_indexes():
    urls, is_index = sitemap_locations(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://a/x '
        b"</loc></url></urlset>"
    )
    assert urls == ["https://a/x"] and not is_index
    assert sitemap_locations(b"<sitemapindex><sitemap><loc>s.xml</loc></sitemap></sitemapindex>")[1]
    assert sitemap_locations(b"<not xml") == ([], False)
