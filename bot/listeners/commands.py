"""``/ask <question>``: a private answer with a button to share it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.answering import help_text, reply_to
from bot.blocks import notice
from bot.deps import BotDeps
from bot.text import is_help, question_from


def register(app: App, deps: BotDeps) -> None:
    @app.command("/ask")
    def ask(ack: Ack, command: dict[str, Any]) -> None:
        ack()  # within Slack's 3 seconds; the answer follows as an ephemeral message
        question = question_from(command.get("text"))
        if is_help(question):
            message = notice(help_text())
        else:
            message = reply_to(
                deps.service,
                question,
                max_chars=deps.max_question_chars,
                shareable=True,
                base_url=deps.base_url,
            )
        deps.sender.ephemeral(
            command["channel_id"],
            command["user_id"],
            message,
            response_url=command.get("response_url"),
        )
