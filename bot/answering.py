"""Ask the in-process AnswerService and turn the outcome into a Slack message.

This is the Slack edge for domain errors: every :class:`~qa.errors.QAError` becomes
one friendly sentence; nothing else the service raises reaches a user as a trace.
"""

from __future__ import annotations

import logging
from typing import Protocol

from bot.blocks import Message, answer_message, notice
from bot.text import escape
from qa.errors import InvalidQuestion, NoIndex, QAError
from qa.models import Answer

logger = logging.getLogger(__name__)

NO_INDEX = "I can't answer yet: no documents have been indexed. Ask an admin to build the index."
FAILED = "Sorry, something went wrong while looking that up. Please try again in a moment."


class Asker(Protocol):
    """The part of ``qa.answer.service.AnswerService`` the bot uses."""

    def ask(self, question: str, top_k: int | None = None) -> Answer: ...


def help_text(bot_user_id: str | None = None) -> str:
    """How to ask, shown for ``@qa-bot help`` and for an empty mention."""
    me = f"<@{bot_user_id}>" if bot_user_id else "@qa-bot"
    return (
        "I answer questions about the team's documents with verbatim quotes and their sources.\n"
        f"• In a channel, mention me: `{me} how many hectares of coca were grown in 2019?` "
        "(I reply in the thread)\n"
        "• In a direct message, just type the question.\n"
        "• `/ask <question>` answers privately, with a button to share the answer.\n"
        "Rate answers with 👍 / 👎 so the team can see what works."
    )


def too_long(max_chars: int) -> str:
    """The sentence for a question over ``settings.max_question_chars``."""
    return f"That question is too long for me; please keep it under {max_chars:,} characters."


def reply_to(
    service: Asker,
    question: str,
    *,
    max_chars: int,
    shareable: bool = False,
    base_url: str | None = None,
) -> Message:
    """The message answering ``question``, or a friendly sentence saying why not.

    ``base_url`` is where people open the document view that quotes link to.
    """
    try:
        answer = service.ask(question)
    except InvalidQuestion as e:
        logger.info("invalid question: %s", e)
        if not question.strip():
            return notice(help_text())
        if len(" ".join(question.split())) > max_chars:
            return notice(too_long(max_chars))
        return notice(f"I can't answer that question: {escape(str(e))}")
    except NoIndex as e:
        logger.warning("question asked while no index is served: %s", e)
        return notice(NO_INDEX)
    except QAError:
        logger.exception("could not answer %r", question)
        return notice(FAILED)
    except Exception:  # the Slack edge: log the trace, show the user a sentence
        logger.exception("unexpected failure answering %r", question)
        return notice(FAILED)
    return answer_message(answer, shareable=shareable, base_url=base_url)
