"""Socket Mode: Slack pushes events over a WebSocket the bot opens (no public URL)."""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import Bot

logger = logging.getLogger(__name__)


def connect(bot: Bot, app_token: str) -> SocketModeHandler:
    """Open the connection in background threads; ``.close()`` on the result ends it.

    Uses slack_sdk's built-in WebSocket client, which needs no extra package. The
    connection URL comes from ``apps.connections.open`` on ``SLACK_API_URL``.
    """
    handler = SocketModeHandler(bot.app, app_token=app_token, web_client=bot.app.client)
    handler.connect()
    logger.info("Slack Socket Mode connected")
    return handler
