"""Mentions and DMs end to end: signed Events API requests over real HTTP, the real
AnswerService, and the exact chat.postMessage calls the Slack stand-in received."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bot.blocks import POSSIBLY
from harness.servers import serve
from harness.slack_requests import direct_message, event_callback, mention, post_event
from harness.slack_standin import BOT_ID, BOT_USER_ID
from tests.support.settings import bot_settings

QUESTION = "How many hectares of coca were under cultivation in 2019?"


def all_text(call) -> str:
    return call.body["text"] + json.dumps(call.body["blocks"], ensure_ascii=False)


def test_mention_is_answered_in_its_thread_with_quote_and_source(live_bot):
    event = mention(f"<@{BOT_USER_ID}> {QUESTION}", channel="C0042")

    response = post_event(live_bot.url, event_callback(event))

    assert response.status_code == 200
    (call,) = live_bot.standin.wait_for("chat.postMessage")
    assert call.body["channel"] == "C0042"
    assert call.body["thread_ts"] == event["ts"]
    assert call.headers["Authorization"] == "Bearer xoxb-test"
    assert "72,000 hectares" in call.body["text"]
    blocks = call.body["blocks"]
    quote = next(b for b in blocks if b["type"] == "section" and "72,000" in b["text"]["text"])
    assert quote["text"]["text"].startswith("> ")
    source = blocks[blocks.index(quote) + 1]
    assert source["type"] == "context"
    cite = source["elements"][0]["text"]
    assert "`peru-multidimensional-challenge-part-2.txt`" in cite
    assert "Peru’s Multidimensional Challenge" in cite
    assert "chars " in cite
    actions = blocks[-1]
    assert [e["action_id"] for e in actions["elements"]] == ["qa_feedback_up", "qa_feedback_down"]


def test_mention_inside_a_thread_replies_in_that_thread(live_bot):
    event = mention(f"<@{BOT_USER_ID}> {QUESTION}", thread_ts="1700000000.000100")

    post_event(live_bot.url, event_callback(event))

    (call,) = live_bot.standin.wait_for("chat.postMessage")
    assert call.body["thread_ts"] == "1700000000.000100"


def test_direct_message_is_answered_without_a_mention(live_bot):
    event = direct_message(QUESTION, channel="D0007")

    post_event(live_bot.url, event_callback(event))

    (call,) = live_bot.standin.wait_for("chat.postMessage")
    assert call.body["channel"] == "D0007"
    assert "thread_ts" not in call.body or call.body["thread_ts"] is None
    assert "72,000 hectares" in all_text(call)


def test_unanswerable_question_says_so_and_marks_nearest_passages(live_bot):
    event = mention(f"<@{BOT_USER_ID}> What is the airspeed velocity of an unladen swallow?")

    post_event(live_bot.url, event_callback(event))

    (call,) = live_bot.standin.wait_for("chat.postMessage")
    assert call.body["text"].startswith("I couldn't find that in the documents.")
    sections = [b["text"]["text"] for b in call.body["blocks"] if b["type"] == "section"]
    assert sections[0] == "I couldn't find that in the documents."
    assert sections[1] == "*Nearest passages, not answers:*"
    assert len(sections) - 2 <= 3


def test_help_and_empty_mention_explain_how_to_ask(live_bot):
    help_event = mention(f"<@{BOT_USER_ID}> help")
    empty_event = mention(f"<@{BOT_USER_ID}>")

    post_event(live_bot.url, event_callback(help_event))
    post_event(live_bot.url, event_callback(empty_event))

    calls = live_bot.standin.wait_for("chat.postMessage", count=2)
    assert {c.body["thread_ts"] for c in calls} == {help_event["ts"], empty_event["ts"]}
    for call in calls:
        assert "/ask <question>" in call.body["text"]
        assert f"<@{BOT_USER_ID}>" in call.body["text"]


def test_too_long_question_gets_a_friendly_sentence(live_bot):
    limit = live_bot.settings.max_question_chars
    event = mention(f"<@{BOT_USER_ID}> " + "why " * limit)

    post_event(live_bot.url, event_callback(event))

    (call,) = live_bot.standin.wait_for("chat.postMessage")
    assert call.body["text"] == (
        f"That question is too long for me; please keep it under {limit:,} characters."
    )


def test_retried_delivery_and_double_delivery_are_answered_once(live_bot):
    event = mention(f"<@{BOT_USER_ID}> {QUESTION}", channel="C0100")
    first = event_callback(event, event_id="EvSAME")
    # Slack's retry: same event_id, X-Slack-Retry-Num header
    retry = post_event(live_bot.url, first, **{"X-Slack-Retry-Num": "1"})
    original = post_event(live_bot.url, first)
    # the same message again as a message event (workspace also subscribed to messages)
    as_message = dict(event, type="message", channel_type="im")
    again = post_event(live_bot.url, event_callback(as_message))

    assert [r.status_code for r in (retry, original, again)] == [200, 200, 200]
    live_bot.standin.wait_for("chat.postMessage", count=2, timeout=3)
    assert len(live_bot.standin.calls_to("chat.postMessage")) == 1


def test_ignores_itself_other_bots_edits_and_deletions(live_bot):
    ignored = [
        direct_message("self", user=BOT_USER_ID),
        direct_message("bot", bot_id="B0OTHER", subtype="bot_message"),
        direct_message("bot without subtype", bot_id="B0OTHER", user="U0BOT2"),
        direct_message("own bot id", bot_id=BOT_ID),
        direct_message("edit", subtype="message_changed", message={"text": QUESTION, "user": "U1"}),
        direct_message("gone", subtype="message_deleted", deleted_ts="1.2"),
        direct_message("joined", subtype="channel_join"),
        mention(f"<@{BOT_USER_ID}> {QUESTION}", bot_id="B0OTHER"),
    ]
    for event in ignored:
        assert post_event(live_bot.url, event_callback(event)).status_code == 200
    # a real question afterwards is answered, so the quiet above is not a dead bot
    post_event(live_bot.url, event_callback(direct_message(QUESTION)))

    live_bot.standin.wait_for("chat.postMessage", count=2, timeout=3)
    (call,) = live_bot.standin.calls_to("chat.postMessage")
    assert "72,000 hectares" in call.body["text"]


def test_url_verification_challenge(live_bot):
    payload = {"token": "legacy", "challenge": "abc123", "type": "url_verification"}

    response = post_event(live_bot.url, payload)

    assert response.status_code == 200
    assert "abc123" in response.text


@pytest.fixture
def hedging_bot(standin, real_runtime, tmp_path):
    """The live bot over a service that hedges every answer it would otherwise give."""
    from qa.answer.service import AnswerService
    from qa.api.app import create_app

    settings = bot_settings(
        standin, tmp_path / "bot-index", min_confidence=0.99, hedge_confidence=0.01
    )
    service = AnswerService(settings, real_runtime.embedder, real_runtime.live)
    app = create_app(replace(real_runtime, settings=settings, service=service))
    with serve(app) as url:
        yield url, standin


def test_a_hedged_answer_is_posted_once_under_possibly_with_its_quotes(hedging_bot):
    url, standin = hedging_bot
    event = mention(f"<@{BOT_USER_ID}> {QUESTION}", channel="C0200")
    first = event_callback(event, event_id="EvHEDGE")

    post_event(url, first, **{"X-Slack-Retry-Num": "1"})
    post_event(url, first)

    standin.wait_for("chat.postMessage", count=2, timeout=3)
    (call,) = standin.calls_to("chat.postMessage")
    assert call.body["thread_ts"] == event["ts"]
    sections = [b["text"]["text"] for b in call.body["blocks"] if b["type"] == "section"]
    assert sections[0] == POSSIBLY
    assert call.body["text"].startswith(POSSIBLY)
    assert any(s.startswith("> ") and "72,000 hectares" in s for s in sections[1:])
    assert "I couldn't find that" not in all_text(call)
