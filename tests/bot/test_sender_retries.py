"""Slack's rate limits and outages: bounded retries against the stand-in, drops counted."""

from __future__ import annotations

import logging

import pytest

from bot.blocks import notice
from bot.sender import RetryPolicy, Sender, web_client
from harness.slack_requests import event_callback, mention, post_event
from harness.slack_standin import BOT_USER_ID

FAST = RetryPolicy(rate_limit_retries=2, server_error_retries=2, backoff_factor=0.01)


@pytest.fixture
def sender(standin) -> Sender:
    return Sender(web_client("xoxb-test", standin.url, FAST), FAST)


def test_rate_limited_post_waits_retry_after_then_delivers(standin, sender):
    standin.script("chat.postMessage", 429, retry_after=1)

    assert sender.post("C1", notice("hello"), thread_ts="1.2") is True

    first, second = standin.calls_to("chat.postMessage")
    assert second.at - first.at >= 1.0  # honoured Retry-After
    assert second.body == {"channel": "C1", "thread_ts": "1.2", **notice("hello").as_kwargs()}
    assert sender.dropped == 0


def test_rate_limit_retries_are_bounded_and_the_drop_is_counted(standin, sender, caplog):
    standin.script("chat.postMessage", 429, times=10, retry_after=0)

    with caplog.at_level(logging.ERROR, logger="bot.sender"):
        assert sender.post("C1", notice("hello")) is False

    assert len(standin.calls_to("chat.postMessage")) == 1 + FAST.rate_limit_retries
    assert sender.dropped == 1
    assert "dropped a Slack message" in caplog.text


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_with_backoff(standin, sender, status):
    standin.script("chat.postMessage", status, times=2)

    assert sender.post("C1", notice("hello")) is True

    assert len(standin.calls_to("chat.postMessage")) == 3
    assert sender.dropped == 0


def test_persistent_server_errors_give_up_after_the_bound(standin, sender):
    standin.script("chat.postEphemeral", 500, times=10)

    assert sender.ephemeral("C1", "U1", notice("hi")) is False
    assert sender.ephemeral("C1", "U1", notice("hi again")) is False

    assert len(standin.calls_to("chat.postEphemeral")) == 2 * (1 + FAST.server_error_retries)
    assert sender.dropped == 2


def test_api_errors_are_not_retried(standin, sender):
    standin.script("chat.postMessage", 200, body={"ok": False, "error": "channel_not_found"})

    assert sender.post("C404", notice("hello")) is False

    assert len(standin.calls_to("chat.postMessage")) == 1
    assert sender.dropped == 1


def test_a_rate_limited_answer_still_arrives_end_to_end(live_bot):
    live_bot.standin.script("chat.postMessage", 429, retry_after=1)
    question = "How many hectares of coca were under cultivation in 2019?"

    post_event(live_bot.url, event_callback(mention(f"<@{BOT_USER_ID}> {question}")))

    first, second = live_bot.standin.wait_for("chat.postMessage", count=2)
    assert first.body == second.body
    assert "72,000 hectares" in second.body["text"]
    assert live_bot.bot.deps.sender.dropped == 0
