"""Render an :class:`~qa.models.Answer` as a Slack message: Block Kit plus a text fallback.

Document text is escaped (``&``, ``<``, ``>``) and cut to Block Kit's limits
(3,000 characters per section, 50 blocks per message).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.text import ELLIPSIS, block_quote, escape, truncate
from qa.corpus.folder import is_url
from qa.links import QuoteLinks, quote_links
from qa.models import Answer, Quote

SECTION_LIMIT = 3000
TEXT_LIMIT = 3000
VALUE_LIMIT = 2000
MAX_BLOCKS = 50
TITLE_LIMIT = 150
MAX_PASSAGES = 3
PASSAGE_CHARS = 600  # nearest passages are whole chunks; show their opening only

NOT_FOUND = "I couldn't find that in the documents."
POSSIBLY = "*Possibly:* I'm not sure these quotes answer it; check them in context."
NEAREST = "Nearest passages, not answers:"

SHARE = "qa_share"
FEEDBACK_UP = "qa_feedback_up"
FEEDBACK_DOWN = "qa_feedback_down"


@dataclass(frozen=True)
class Message:
    """What we send to Slack: a plain-text fallback and Block Kit blocks."""

    text: str
    blocks: tuple[dict[str, Any], ...] = ()

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for chat.postMessage / chat.postEphemeral / response_url."""
        return {"text": self.text, "blocks": list(self.blocks)}


def notice(sentence: str) -> Message:
    """A single mrkdwn sentence (help, errors, acknowledgements)."""
    text = truncate(sentence, SECTION_LIMIT)
    return Message(text=text, blocks=(_section(text),))


def answer_message(
    answer: Answer, *, shareable: bool = False, base_url: str | None = None
) -> Message:
    """The reply to a question: quotes with sources (under a plain "Possibly:" when
    uncertain), or an honest 'not found'.

    With ``base_url`` (the service's public address) every quote links to the document
    view at its span; a web source links to the page with a text fragment either way.
    """
    if answer.answered and answer.quotes:
        intro, quotes, limit, fallback = None, answer.quotes, SECTION_LIMIT, []
    elif answer.outcome == "possibly" and answer.quotes:
        intro, quotes, limit, fallback = POSSIBLY, answer.quotes, SECTION_LIMIT, [POSSIBLY]
    else:
        intro, quotes, limit = NOT_FOUND, answer.passages[:MAX_PASSAGES], PASSAGE_CHARS
        fallback = [NOT_FOUND] + ([NEAREST] if quotes else [])

    blocks: list[dict[str, Any]] = []
    if intro:
        blocks.append(_section(intro))
        if quotes and intro == NOT_FOUND:
            blocks.append(_section(f"*{NEAREST}*"))
    for quote in quotes:
        if len(blocks) + 3 > MAX_BLOCKS:  # keep room for this quote's two blocks + buttons
            break
        text = truncate(escape(quote.text), limit)
        blocks.append(_section(truncate(block_quote(text), SECTION_LIMIT)))
        blocks.append(_context(source_line(quote, slack_links(quote, base_url))))
        fallback.append(f"“{text}” — {plain_source(quote)}")
    blocks.append(_buttons(answer, shareable))
    return Message(text=truncate("\n".join(fallback), TEXT_LIMIT), blocks=tuple(blocks))


def slack_links(quote: Quote, base_url: str | None) -> QuoteLinks:
    """The quote's links; the view link only with an absolute base (Slack needs one)."""
    links = quote_links(quote, base_url)
    return links if base_url else QuoteLinks(view="", source=links.source)


def source_line(quote: Quote, links: QuoteLinks | None = None) -> str:
    """Title, file or clickable link, and location of a quote, in mrkdwn.

    With ``links``, a web source's link carries the text fragment that highlights the
    quote, and "in context" opens the document view at the span.
    """
    doc = quote.document
    title = escape(truncate(doc.title or doc.source or doc.id, TITLE_LIMIT))
    if is_url(doc.source):
        target = links.source if links and links.source else doc.source
        parts = [f"<{_link_target(target)}|{title}>"]
    else:
        path = escape(doc.source).replace("`", "'")
        parts = [f"*{title}*", f"`{path}`"]
    if quote.section:
        parts.insert(1, escape(truncate(quote.section, TITLE_LIMIT)))
    parts.append(location(quote))
    if links and links.view:
        parts.append(f"<{_link_target(links.view)}|in context>")
    return "— " + " · ".join(parts)


def _link_target(url: str) -> str:
    """A URL as mrkdwn's ``<url|label>`` needs it: escaped, and no ``|`` inside."""
    return escape(url).replace("|", "%7C")


def plain_source(quote: Quote) -> str:
    """The same citation as :func:`source_line`, for the plain-text fallback."""
    doc = quote.document
    section = f", {escape(quote.section)}" if quote.section else ""
    return f"{escape(doc.title)} ({escape(doc.source)}){section}, {location(quote)}"


def location(quote: Quote) -> str:
    """Where the quote sits in its document: character span, and page when known."""
    where = f"chars {quote.start:,}–{quote.end:,}"
    return where if quote.page is None else f"page {quote.page}, {where}"


def button_value(question: str, index_version: str) -> tuple[str, bool]:
    """What a button click needs to know about the answer, and whether it fit whole.

    Slack caps a button value at 2,000 characters; a longer question is cut (and then
    cannot be shared, since sharing asks the question again).
    """
    whole, cut = question, question
    while True:
        value = json.dumps({"q": cut, "v": index_version}, ensure_ascii=False)
        if len(value) <= VALUE_LIMIT or not cut:
            return value, cut == whole
        cut = cut[: len(cut) // 2 - 1] + ELLIPSIS if len(cut) > 2 else ""


@dataclass(frozen=True)
class AnswerRef:
    """What a button carries back: the question and the index version it was answered from."""

    question: str
    index_version: str


def parse_button_value(value: str | None) -> AnswerRef | None:
    """The :class:`AnswerRef` in a clicked button's value, or None if it is not ours."""
    try:
        data = json.loads(value or "")
        return AnswerRef(str(data["q"]), str(data.get("v") or ""))
    except (ValueError, TypeError, KeyError):
        return None


def _buttons(answer: Answer, shareable: bool) -> dict[str, Any]:
    value, whole = button_value(answer.question, answer.index_version)
    shareable = shareable and whole
    elements = [
        _button("👍", FEEDBACK_UP, value),
        _button("👎", FEEDBACK_DOWN, value),
    ]
    if shareable:
        elements.append(_button("Share in channel", SHARE, value, style="primary"))
    return {"type": "actions", "block_id": "qa_answer_actions", "elements": elements}


def _button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _section(mrkdwn: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _context(mrkdwn: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn}]}
