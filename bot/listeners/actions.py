"""Button clicks on an answer: share it in the channel, or rate it 👍/👎."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App

from bot.answering import reply_to
from bot.blocks import FEEDBACK_DOWN, FEEDBACK_UP, SHARE, notice, parse_button_value
from bot.deps import BotDeps
from qa.feedback import Feedback

logger = logging.getLogger(__name__)

THANKS = "Thanks, recorded."
NOT_RECORDED = "Sorry, I couldn't record that just now."
VERDICTS = {FEEDBACK_UP: "up", FEEDBACK_DOWN: "down"}


def register(app: App, deps: BotDeps) -> None:
    @app.action(SHARE)
    def share(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        ref = parse_button_value(action.get("value"))
        if ref is None:
            logger.warning("share button without a readable value")
            return
        # Asking again is cheap and deterministic for one index version; the button
        # cannot carry the whole answer (Slack caps values at 2,000 characters).
        message = reply_to(
            deps.service, ref.question, max_chars=deps.max_question_chars, base_url=deps.base_url
        )
        deps.sender.share(channel_of(body), message, response_url=body.get("response_url"))

    @app.action(re.compile(f"^({FEEDBACK_UP}|{FEEDBACK_DOWN})$"))
    def rate(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        ref = parse_button_value(action.get("value"))
        user = (body.get("user") or {}).get("id", "")
        if ref is None:
            logger.warning("feedback button without a readable value")
            return
        shown = (body.get("message") or {}).get("text")
        if not shown:  # ephemeral messages are not sent back with the click
            shown = reply_to(deps.service, ref.question, max_chars=deps.max_question_chars).text
        try:
            deps.feedback.record(
                Feedback(
                    ref.question, shown, user, VERDICTS[action["action_id"]], ref.index_version
                )
            )
            reply = THANKS
        except Exception:
            logger.exception("could not record feedback")
            reply = NOT_RECORDED
        deps.sender.ephemeral(
            channel_of(body),
            user,
            notice(reply),
            thread_ts=(body.get("message") or {}).get("thread_ts"),
            response_url=body.get("response_url"),
        )


def channel_of(body: dict[str, Any]) -> str:
    """The channel a click came from (``channel.id``, or the container's ``channel_id``)."""
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id", ""
    )
