"""`qa crawl` as a user runs it, then an incremental index build that re-embeds only
what the crawl changed and answers with the page's web address as its source."""

from __future__ import annotations

from qa.build.build import build_index
from qa.runtime import Runtime
from tests.support.cli import run_qa
from tests.support.settings import make_settings
from tests.support.site import Site, serve_site


def test_crawl_then_index_picks_up_only_the_changes(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    settings = make_settings(corpus, tmp_path / "index")
    site = Site()
    site.page("/docs/", "Handbook", "The handbook covers the office.", ("rooms.html", "old.html"))
    site.page("/docs/rooms.html", "Rooms", "The quiet room is on the third floor.", etag='"1"')
    site.page("/docs/old.html", "Old", "The old canteen closes at noon on Fridays.")
    with serve_site(site):
        first = run_qa("crawl", site.url + "/docs/", "--corpus", str(corpus), cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        assert "3 added, 0 updated, 0 removed" in first.stdout
        built = build_index(settings, embedder)
        assert (len(built.added), built.documents) == (3, 3)

        site.page("/docs/", "Handbook", "The handbook covers the office.", ("rooms.html",))
        site.page("/docs/rooms.html", "Rooms", "The quiet room is on the fifth floor.", etag='"2"')
        second = run_qa("crawl", site.url + "/docs/", "--corpus", str(corpus), cwd=tmp_path)

    assert second.returncode == 0, second.stderr
    assert "0 added, 2 updated, 1 removed, 0 unchanged" in second.stdout
    rebuilt = build_index(settings, embedder)
    assert (len(rebuilt.added), len(rebuilt.updated), len(rebuilt.removed)) == (0, 2, 1)
    answer = Runtime.build(settings, embedder).service.ask("Which floor is the quiet room on?")
    top = answer.quotes[0]
    assert "fifth floor" in top.text
    assert top.document.source == site.url + "/docs/rooms.html"


def test_a_bad_start_address_exits_2_with_the_reason(tmp_path):
    result = run_qa("crawl", "ftp://example.com/", "--corpus", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "http:// or https://" in result.stderr and "Traceback" not in result.stderr
