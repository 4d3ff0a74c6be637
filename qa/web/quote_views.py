"""What the pages show for each quote and passage: text in context, citation, links."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote as percent_encode

from qa.answer.service import AnswerService
from qa.corpus.folder import is_url
from qa.errors import QAError
from qa.links import QuoteLinks, quote_links
from qa.models import Quote
from qa.web.spans import Excerpt, Span, paragraph

logger = logging.getLogger(__name__)

PASSAGE_CHARS = 600  # nearest passages are whole chunks; show their opening only


@dataclass(frozen=True)
class QuoteView:
    """One quote or passage as the page shows it."""

    quote: Quote
    excerpt: Excerpt
    links: QuoteLinks
    source_is_url: bool

    @property
    def location(self) -> str:
        where = f"characters {self.quote.start:,}–{self.quote.end:,}"
        return where if self.quote.page is None else f"page {self.quote.page}, {where}"


def document_path(document_id: str) -> str:
    """The document view without a highlight."""
    return f"/documents/{percent_encode(document_id, safe='')}/view"


def quote_views(service: AnswerService, quotes: tuple[Quote, ...], base: str | None) -> list:
    """Each quote inside its paragraph, highlighted."""
    return [QuoteView(q, _in_context(service, q), quote_links(q, base), _url(q)) for q in quotes]


def passage_views(passages: tuple[Quote, ...], base: str | None) -> list[QuoteView]:
    """Nearest passages: their opening, nothing highlighted (they are not answers)."""
    views = []
    for p in passages:
        text = p.text if len(p.text) <= PASSAGE_CHARS else p.text[:PASSAGE_CHARS].rstrip() + "…"
        views.append(QuoteView(p, Excerpt(text, "", ""), quote_links(p, base), _url(p)))
    return views


def _url(quote: Quote) -> bool:
    return is_url(quote.document.source)


def _in_context(service: AnswerService, quote: Quote) -> Excerpt:
    """The quote's paragraph; the bare quote if its document changed since the answer."""
    try:
        _, document = service.document(quote.document.id)
    except QAError:
        document = None
    if document is None or document.text[quote.start : quote.end] != quote.text:
        logger.info("document %s changed since the answer; quote shown alone", quote.document.id)
        return Excerpt("", quote.text, "")
    return paragraph(document.text, Span(quote.start, quote.end))
