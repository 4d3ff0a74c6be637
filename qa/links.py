"""Deep links for quotes: our own document view at the span, and the original web page.

One place builds them so the API, the web page and Slack link to the same address. The
link to the original page carries a text fragment (``#:~:text=``, WICG "Text Fragments")
that makes the browser scroll to the quoted words and highlight them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote as percent_encode

from qa.corpus.folder import is_url
from qa.models import Quote

# Quotes longer than this are linked by their first and last words (textStart,textEnd):
# a shorter URL, and it still matches when the page wraps or styles the middle differently.
LONG_QUOTE_CHARS = 150
EDGE_WORDS = 5
# What an anchor keeps unencoded in a URL fragment: RFC 3986's fragment characters but
# ":" and "&", which the fragment directive (":~:text=...&...") gives a meaning.
_ANCHOR_SAFE = "-._~!$'()*+,;=@/?"


@dataclass(frozen=True)
class QuoteLinks:
    """Where a quote can be seen in place."""

    view: str  # our document view, scrolled to the highlighted span
    source: str | None = None  # the original web page with a text fragment, when it has one


def view_path(document_id: str, start: int, end: int) -> str:
    """The path of the document view highlighting ``text[start:end]``."""
    return f"/documents/{percent_encode(document_id, safe='')}/view?start={start}&end={end}"


def public(base_url: str | None, path: str) -> str:
    """``path`` under the public base URL (absolute), or as it is when none is configured."""
    return f"{base_url.rstrip('/')}{path}" if base_url else path


def encode_fragment_text(text: str) -> str:
    """Percent-encode one text-directive term: everything but unreserved characters, and
    also ``-`` (which the spec reserves, with ``&`` and ``,``, as directive syntax)."""
    return percent_encode(text, safe="").replace("-", "%2D")


def text_directive(text: str) -> str:
    """``text=...`` for ``text`` (whitespace collapsed, as the browser compares rendered text)."""
    words = text.split()
    if len(" ".join(words)) > LONG_QUOTE_CHARS and len(words) >= 2 * EDGE_WORDS:
        start = " ".join(words[:EDGE_WORDS])
        end = " ".join(words[-EDGE_WORDS:])
        return f"text={encode_fragment_text(start)},{encode_fragment_text(end)}"
    return f"text={encode_fragment_text(' '.join(words))}"


def with_text_fragment(url: str, text: str) -> str:
    """``url`` with a fragment directive for ``text``, keeping any fragment it already has."""
    if not text.split():
        return url
    separator = ":~:" if "#" in url else "#:~:"
    return f"{url}{separator}{text_directive(text)}"


def with_anchor(url: str, anchor: str) -> str:
    """``url`` pointing at the element ``anchor`` (a heading's id), unless it already
    names a fragment of its own."""
    if not anchor or "#" in url:
        return url
    return f"{url}#{percent_encode(anchor, safe=_ANCHOR_SAFE)}"


def quote_links(quote: Quote, base_url: str | None) -> QuoteLinks:
    """The links every interface shows with ``quote``: a web source at the quote's section
    (``url#anchor``) with the text fragment that highlights it."""
    view = public(base_url, view_path(quote.document.id, quote.start, quote.end))
    source = quote.document.source
    if not is_url(source):
        return QuoteLinks(view, None)
    return QuoteLinks(view, with_text_fragment(with_anchor(source, quote.anchor), quote.text))
