"""Deep links: the document view path, absolute links behind a proxy, WICG text fragments."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from pydantic import ValidationError

from qa.links import (
    quote_links,
    text_directive,
    view_path,
    with_anchor,
    with_text_fragment,
)
from qa.models import DocumentRef, Quote
from qa.settings import Settings


def quote(text: str, source: str = "notes/a.txt") -> Quote:
    return Quote(text, 0.5, 10, 10 + len(text), DocumentRef("abc123", "A", source))


def test_view_link_is_relative_without_a_public_url_and_absolute_with_one():
    q = quote("The tower is old.")
    assert quote_links(q, None).view == "/documents/abc123/view?start=10&end=27"
    assert (
        quote_links(q, "https://qa.example.com/team").view
        == "https://qa.example.com/team/documents/abc123/view?start=10&end=27"
    )
    assert quote_links(q, None).source is None  # a file is not a web page


def test_document_ids_are_percent_encoded_in_the_path():
    assert view_path("a/b c", 1, 2) == "/documents/a%2Fb%20c/view?start=1&end=2"


def test_fragment_encodes_the_directive_syntax_characters_and_spaces():
    directive = text_directive("Cost-benefit, R&D: 50% up")
    assert directive == "text=Cost%2Dbenefit%2C%20R%26D%3A%2050%25%20up"
    for raw in "-&, ":
        assert raw not in directive.removeprefix("text=")


def test_fragment_collapses_whitespace_and_keeps_non_ascii_as_utf8():
    assert text_directive("Perú’s\n  coca") == "text=Per%C3%BA%E2%80%99s%20coca"


def test_long_quotes_use_text_start_and_text_end():
    words = [f"word{i}" for i in range(40)]
    directive = text_directive(" ".join(words))
    start, end = directive.removeprefix("text=").split(",")
    assert unquote(start) == "word0 word1 word2 word3 word4"
    assert unquote(end) == "word35 word36 word37 word38 word39"


def test_web_source_link_keeps_an_existing_fragment():
    link = quote_links(quote("Hook Head is old.", "https://example.org/page#history"), None)
    assert link.source == "https://example.org/page#history:~:text=Hook%20Head%20is%20old."
    plain = with_text_fragment("https://example.org/page", "x-y")
    assert plain == "https://example.org/page#:~:text=x%2Dy"


@pytest.mark.parametrize("bad", ["qa.example.com", "ftp://x", "https://x/a?b=1", "https://x/#a"])
def test_public_url_must_be_an_http_address(bad):
    with pytest.raises(ValidationError, match="QA_PUBLIC_URL must be an http"):
        Settings(_env_file=None, public_url=bad)


def test_public_url_loses_its_trailing_slash():
    assert Settings(_env_file=None, public_url="https://x.org/qa/").public_url == "https://x.org/qa"


def test_a_web_source_links_to_the_quotes_section_anchor_and_its_text():
    q = Quote(
        "Paths are immutable.",
        0.5,
        10,
        30,
        DocumentRef("abc", "pathlib", "https://docs.example.com/pathlib.html"),
        section="pathlib > Basic use",
        anchor="basic-use",
    )
    assert quote_links(q, None).source == (
        "https://docs.example.com/pathlib.html#basic-use:~:text=Paths%20are%20immutable."
    )


def test_an_anchor_is_not_added_to_a_source_that_names_its_own_fragment():
    q = Quote(
        "Paths are immutable.",
        0.5,
        10,
        30,
        DocumentRef("abc", "pathlib", "https://docs.example.com/p.html#top"),
        anchor="basic-use",
    )
    assert quote_links(q, None).source == (
        "https://docs.example.com/p.html#top:~:text=Paths%20are%20immutable."
    )


def test_anchor_characters_that_mean_something_in_a_fragment_are_encoded():
    assert with_anchor("https://x.org/a", "ns:~:a&b c") == "https://x.org/a#ns%3A~%3Aa%26b%20c"
    assert with_anchor("https://x.org/a", "") == "https://x.org/a"
