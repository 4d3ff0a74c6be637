"""Slack mrkdwn helpers: escaping, truncating and reading a question out of a message."""

from __future__ import annotations

import re

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,4}$")
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
HELP_WORDS = frozenset({"", "help", "?", "usage"})
ELLIPSIS = "…"


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control characters in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(mrkdwn: str, limit: int) -> str:
    """Cut already-escaped text to ``limit`` characters without splitting an entity."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    cut = _PARTIAL_ENTITY.sub("", mrkdwn[: limit - len(ELLIPSIS)])
    return cut + ELLIPSIS


def block_quote(mrkdwn: str) -> str:
    """Prefix every line with ``>`` so Slack renders it as a block quote."""
    return "\n".join("> " + line for line in mrkdwn.splitlines() or [""])


def unescape(mrkdwn: str) -> str:
    """Undo :func:`escape`, as Slack escapes what users type before sending it to us."""
    return mrkdwn.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def question_from(text: str | None) -> str:
    """The question a user typed: mentions removed, links shown as their label, unescaped."""
    text = _MENTION.sub(" ", text or "")
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return " ".join(unescape(text).split())


def is_help(question: str) -> bool:
    """True for an empty message or a bare request for help."""
    return question.strip().lower().rstrip("!.") in HELP_WORDS
