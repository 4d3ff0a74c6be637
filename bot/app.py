"""Build the bolt App: one Web API client, one set of listeners, the in-process service."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from slack_bolt import App

from bot import listeners
from bot.answering import Asker
from bot.dedupe import SeenRecently
from bot.deps import BotDeps
from bot.sender import RetryPolicy, Sender, web_client
from qa.feedback import FeedbackStore
from qa.settings import Settings

logger = logging.getLogger(__name__)


class BotConfigError(ValueError):
    """The settings lack what the requested Slack mode needs."""


@dataclass(frozen=True)
class Bot:
    """A ready bolt App plus the parts worth looking at from outside (drop counter)."""

    app: App
    deps: BotDeps


def create_bot(
    service: Asker,
    settings: Settings,
    *,
    feedback: FeedbackStore | None = None,
    policy: RetryPolicy | None = None,
    observe: Callable[[str], None] | None = None,
) -> Bot:
    """A bolt App answering from ``service``; needs ``SLACK_BOT_TOKEN``.

    ``observe`` is told of every event ``received``, every one ``deduplicated`` and every
    message ``dropped`` after retries (the app's metrics count them).

    ``process_before_response=False``: bolt acknowledges Slack first and runs the
    listener in its worker pool, so a slow answer never makes Slack retry.
    """
    if settings.slack_bot_token is None:
        raise BotConfigError("SLACK_BOT_TOKEN is not set; the Slack bot needs a bot token")
    policy = policy or RetryPolicy()
    client = web_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url, policy)
    secret = settings.slack_signing_secret
    app = App(
        name="qa-bot",
        client=client,
        signing_secret=secret.get_secret_value() if secret else "",
        process_before_response=False,
        # auth.test runs on the first request instead, so start-up never waits on Slack
        token_verification_enabled=False,
        # answering is mostly CPU (embedding); a few more threads than cores keeps
        # slow Slack API calls from holding up answers queued behind them
        listener_executor=ThreadPoolExecutor(max_workers=8, thread_name_prefix="slack-bot"),
    )
    observe = observe or (lambda outcome: None)
    deps = BotDeps(
        service=service,
        sender=Sender(client, policy, on_drop=lambda: observe("dropped")),
        feedback=feedback or FeedbackStore.for_index_dir(settings.index_dir),
        seen=SeenRecently(),
        max_question_chars=settings.max_question_chars,
        base_url=link_base(settings),
        observe=observe,
    )
    listeners.register(app, deps)
    return Bot(app=app, deps=deps)


def link_base(settings: Settings) -> str:
    """Where quotes in Slack link to: QA_PUBLIC_URL, else the address `qa serve` listens on
    (Slack needs absolute links; that one works only on the serving machine)."""
    if settings.public_url:
        return settings.public_url
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    logger.warning(
        "QA_PUBLIC_URL is not set: Slack answers link to http://%s:%d, which only works on "
        "this machine",
        host,
        settings.port,
    )
    return f"http://{host}:{settings.port}"
