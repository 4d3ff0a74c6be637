"""The ``qa.plugins`` entry point: how ``qa serve`` and the ``qa`` CLI pick up the bot.

``qa`` never imports ``bot``; it finds this module through the entry point and calls
the three hooks of ``qa.plugins.Plugin`` (``mount_http``, ``start_background``,
``add_cli``), passing what to ask through (``qa.plugins.Asker``) and the Settings it built.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from bot.answering import Asker
from qa.settings import Settings

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def mount_http(app: Any, service: Asker, settings: Settings) -> bool:
    """Add ``POST /slack/events`` to the FastAPI ``app`` when HTTP mode is configured.

    Needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET; returns True if mounted. The bot
    is kept on ``app.state.slack_bot`` (its ``deps.sender.dropped`` counts drops).
    """
    if settings.slack_bot_token is None or settings.slack_signing_secret is None:
        logger.info("Slack HTTP endpoint not mounted: SLACK_BOT_TOKEN/SLACK_SIGNING_SECRET unset")
        return False
    from bot.app import create_bot
    from bot.endpoint import slack_events_endpoint

    metrics = getattr(app.state, "metrics", None)  # the app's counters, when it has them
    bot = create_bot(service, settings, observe=getattr(metrics, "slack_event", None))
    endpoint = slack_events_endpoint(bot, settings.slack_signing_secret.get_secret_value())
    app.add_api_route(EVENTS_PATH, endpoint, methods=["POST"], include_in_schema=False)
    app.state.slack_bot = bot
    logger.info("Slack events endpoint mounted at %s", EVENTS_PATH)
    return True


def start_socket_mode(service: Asker, settings: Settings) -> Any | None:
    """Connect over Socket Mode when SLACK_APP_TOKEN is set; the handle has ``.close()``."""
    if settings.slack_app_token is None:
        return None
    if settings.slack_bot_token is None:
        logger.error("SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not; Socket Mode not started")
        return None
    from bot.app import create_bot
    from bot.socket_mode import connect

    return connect(create_bot(service, settings), settings.slack_app_token.get_secret_value())


start_background = start_socket_mode  # the qa.plugins.Plugin hook: Socket Mode beside `qa serve`


def add_cli(subparsers: Any) -> None:
    """Add ``qa slack``: run the bot over Socket Mode until interrupted."""
    parser = subparsers.add_parser(
        "slack",
        help="run the Slack bot over Socket Mode (needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN)",
        description="Answer Slack questions over Socket Mode; no public URL needed. "
        "For HTTP mode, set SLACK_SIGNING_SECRET and use `qa serve` instead.",
    )
    parser.add_argument("--index", dest="index_dir", type=Path, help="index folder (QA_INDEX_DIR)")
    parser.set_defaults(handler=run_slack)


def run_slack(args: argparse.Namespace, settings: Settings) -> int:
    """``qa slack``: exit code 2 with a clear message when the tokens are missing."""
    missing = [
        name
        for name, value in (
            ("SLACK_APP_TOKEN", settings.slack_app_token),
            ("SLACK_BOT_TOKEN", settings.slack_bot_token),
        )
        if value is None
    ]
    if missing:
        print(
            f"error: {' and '.join(missing)} not set. `qa slack` runs the bot over Socket "
            "Mode, which needs an app-level token (xapp-…, scope connections:write) and the "
            "bot token (xoxb-…). See bot/README.md.",
            file=sys.stderr,
        )
        return 2
    from qa.runtime import Runtime

    logging.getLogger("bot").setLevel(logging.INFO)
    with Runtime.build(settings) as runtime:  # follows re-indexed versions live
        runtime.warm(builds=False)  # the first question is answered at full speed
        handle = start_socket_mode(runtime.service, settings)
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        print("qa-bot is connected to Slack over Socket Mode; Ctrl-C to stop.")
        try:
            stop.wait()
        finally:
            handle.close()
    return 0
