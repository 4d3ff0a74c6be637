"""Global middleware: drop Events API redeliveries before any listener sees them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from bot.deps import BotDeps

logger = logging.getLogger(__name__)


def register(app: App, deps: BotDeps) -> None:
    @app.middleware
    def skip_redelivered_events(body: dict[str, Any], next: Callable[[], None]) -> Any:  # noqa: A002
        """Slack retries (``X-Slack-Retry-Num``) reuse the ``event_id``: ack and stop."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if body.get("type") == "event_callback":
            deps.observe("received")
        if event_id and not deps.seen.first_time(("event", event_id)):
            logger.info("ignoring redelivered event %s", event_id)
            deps.observe("deduplicated")
            return BoltResponse(status=200, body="")
        return next()
