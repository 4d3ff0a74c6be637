"""Everything the bot sends to Slack goes through :class:`Sender`.

It owns the Web API client's retry policy (wait ``Retry-After`` on 429, back off on
5xx, both bounded) and counts the messages that were finally dropped, so a Slack
outage shows up in logs and numbers instead of as silent missing answers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.webhook import WebhookClient

from bot.blocks import Message

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before dropping a message."""

    rate_limit_retries: int = 3
    server_error_retries: int = 3
    connection_retries: int = 2
    backoff_factor: float = 0.5
    timeout: float = 10.0


class AnyServerErrorRetryHandler(ServerErrorRetryHandler):
    """slack_sdk's handler retries only 500 and 503; Slack's edge also answers 502/504."""

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:  # noqa: ANN001
        return response is not None and 500 <= response.status_code < 600


def retry_handlers(policy: RetryPolicy) -> list[RetryHandler]:
    """Bounded retry handlers for both the Web API and response_url clients."""
    backoff = BackoffRetryIntervalCalculator(backoff_factor=policy.backoff_factor)
    return [
        ConnectionErrorRetryHandler(policy.connection_retries, backoff),
        RateLimitErrorRetryHandler(max_retry_count=policy.rate_limit_retries),
        AnyServerErrorRetryHandler(policy.server_error_retries, backoff),
    ]


def web_client(token: str | None, base_url: str, policy: RetryPolicy) -> WebClient:
    """The Web API client the bolt App uses, pointed at ``SLACK_API_URL``."""
    if not base_url.endswith("/"):
        base_url += "/"
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=int(policy.timeout),
        retry_handlers=retry_handlers(policy),
    )


class Sender:
    """Posts messages; on final failure logs and counts the drop instead of raising."""

    def __init__(
        self, client: WebClient, policy: RetryPolicy, on_drop: Callable[[], None] | None = None
    ) -> None:
        self.client = client
        self._policy = policy
        self._on_drop = on_drop
        self._lock = threading.Lock()
        self._dropped = 0

    @property
    def dropped(self) -> int:
        """How many messages could not be delivered after all retries."""
        with self._lock:
            return self._dropped

    def post(self, channel: str, message: Message, *, thread_ts: str | None = None) -> bool:
        """A public message, in a thread when ``thread_ts`` is given."""
        return self._deliver(
            "chat.postMessage",
            lambda: self.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, **message.as_kwargs()
            ),
        )

    def ephemeral(
        self,
        channel: str,
        user: str,
        message: Message,
        *,
        thread_ts: str | None = None,
        response_url: str | None = None,
    ) -> bool:
        """A message only ``user`` sees; falls back to ``response_url`` when the bot
        cannot post in the channel (not a member, a DM between other people)."""

        def send() -> Any:
            return self.client.chat_postEphemeral(
                channel=channel, user=user, thread_ts=thread_ts, **message.as_kwargs()
            )

        fallback = self._responder(response_url, message, response_type="ephemeral")
        return self._deliver("chat.postEphemeral", send, fallback)

    def share(self, channel: str, message: Message, *, response_url: str | None = None) -> bool:
        """Post publicly in ``channel``, or through ``response_url`` when not a member."""
        fallback = self._responder(response_url, message, response_type="in_channel")
        return self._deliver(
            "chat.postMessage",
            lambda: self.client.chat_postMessage(channel=channel, **message.as_kwargs()),
            fallback,
        )

    def _responder(
        self, response_url: str | None, message: Message, *, response_type: str
    ) -> Callable[[], Any] | None:
        if not response_url:
            return None
        hook = WebhookClient(
            response_url,
            timeout=int(self._policy.timeout),
            retry_handlers=retry_handlers(self._policy),
        )
        body = {**message.as_kwargs(), "response_type": response_type, "replace_original": False}

        def send() -> Any:
            response = hook.send_dict(body)
            if response.status_code != 200:
                raise RuntimeError(f"response_url answered {response.status_code}")
            return response

        return send

    def _deliver(
        self, method: str, send: Callable[[], Any], fallback: Callable[[], Any] | None = None
    ) -> bool:
        for attempt in (send, fallback):
            if attempt is None:
                continue
            try:
                attempt()
                return True
            except Exception as e:  # SlackApiError, connection errors, bad responses
                logger.warning("%s failed: %s", method, getattr(e, "response", None) or e)
                method = "response_url"
        with self._lock:
            self._dropped += 1
            dropped = self._dropped
        logger.error("dropped a Slack message after retries (%d dropped so far)", dropped)
        if self._on_drop is not None:
            self._on_drop()
        return False
