"""What every listener needs, built once per bolt App and passed to ``register``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.answering import Asker
from bot.dedupe import SeenRecently
from bot.sender import Sender
from qa.feedback import FeedbackStore


@dataclass(frozen=True)
class BotDeps:
    """The answer service and the bot's own parts, shared by all listeners."""

    service: Asker
    sender: Sender
    feedback: FeedbackStore
    seen: SeenRecently
    max_question_chars: int
    base_url: str | None = None  # the service's address, for links to the document view
    observe: Callable[[str], None] = lambda outcome: None  # "received", "deduplicated", ...
