"""Questions asked by mentioning the bot in a channel or by direct message."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.answering import help_text, reply_to
from bot.blocks import notice
from bot.deps import BotDeps
from bot.text import is_help, question_from

logger = logging.getLogger(__name__)

# Message subtypes that are still a person asking something; edits, deletions,
# bot messages, joins and the like are not.
ANSWERABLE_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})


def register(app: App, deps: BotDeps) -> None:
    @app.event("app_mention")
    def answer_mention(event: dict[str, Any], context: BoltContext) -> None:
        answer(deps, event, context, thread=True)

    @app.event("message")
    def answer_direct_message(event: dict[str, Any], context: BoltContext) -> None:
        # Channel messages arrive only when a workspace adds message.channels;
        # there the bot answers mentions (app_mention), not every message.
        if event.get("channel_type") == "im":
            answer(deps, event, context, thread=False)


def should_answer(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """Only people's new messages: never the bot itself, other bots, edits or deletions."""
    if event.get("subtype") not in ANSWERABLE_SUBTYPES or "bot_id" in event:
        return False
    user = event.get("user")
    return bool(user) and user != bot_user_id


def answer(deps: BotDeps, event: dict[str, Any], context: BoltContext, *, thread: bool) -> None:
    """Answer one message once, in its thread (channels) or where it was asked (DMs)."""
    if not should_answer(event, context.bot_user_id):
        return
    channel, ts = event.get("channel"), event.get("ts")
    if not channel or not ts or not deps.seen.first_time(("message", channel, ts)):
        logger.info("not answering %s/%s twice", channel, ts)
        if channel and ts:
            deps.observe("deduplicated")
        return
    question = question_from(event.get("text"))
    if is_help(question):
        message = notice(help_text(context.bot_user_id))
    else:
        message = reply_to(
            deps.service, question, max_chars=deps.max_question_chars, base_url=deps.base_url
        )
    thread_ts = event.get("thread_ts") or (ts if thread else None)
    deps.sender.post(channel, message, thread_ts=thread_ts)
