"""Slack answers link to the document view at the quote; the app's /metrics counts events.

Real slack-bolt behind the real app factory, signed requests over HTTP, the Slack
stand-in recording what was posted.
"""

from __future__ import annotations

import json
import time
from urllib.parse import unquote

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.blocks import answer_message, slack_links, source_line
from harness.slack_requests import event_callback, mention, post_event
from harness.slack_standin import BOT_USER_ID
from tests.support.answers import sample_answer, sample_quote

QUESTION = "How many hectares of coca were under cultivation in 2019?"


def test_quotes_link_to_the_view_and_web_sources_to_the_highlighted_page():
    quote = sample_quote("Coca-growing rose, by 50%.", source="https://news.example.com/a?b=1")
    line = source_line(quote, slack_links(quote, "https://qa.example.com"))

    view = "https://qa.example.com/documents/d1/view?start=100&amp;end=126"
    assert line.endswith(f"<{view}|in context>")
    fragment = "#:~:text=Coca%2Dgrowing%20rose%2C%20by%2050%25."
    assert f"<https://news.example.com/a?b=1{fragment}|Peru>" in line


def test_without_a_base_url_a_file_quote_keeps_its_plain_citation():
    quote = sample_quote("x", title="Peru", source="docs/peru.txt")
    message = answer_message(sample_answer(quotes=(quote,)))
    assert "view?" not in json.dumps(message.blocks)
    assert "— *Peru* · `docs/peru.txt` · chars 100–101" in json.dumps(
        message.blocks, ensure_ascii=False
    )


def test_slack_answer_links_each_quote_to_its_highlighted_span(live_bot):
    post_event(live_bot.url, event_callback(mention(f"<@{BOT_USER_ID}> {QUESTION}")))

    (call,) = live_bot.standin.wait_for("chat.postMessage")
    contexts = [b["elements"][0]["text"] for b in call.body["blocks"] if b["type"] == "context"]
    assert contexts
    base = f"http://127.0.0.1:{live_bot.settings.port}"  # no QA_PUBLIC_URL: the serving address
    answer = httpx.post(live_bot.url + "/ask", json={"question": QUESTION}, timeout=60).json()
    for context, quote in zip(contexts, answer["quotes"], strict=True):
        link = context.rsplit("<", 1)[1].split("|")[0].replace("&amp;", "&")
        assert link == base + quote["links"]["view"]
        view = httpx.get(live_bot.url + unquote(quote["links"]["view"]), timeout=60)
        assert view.status_code == 200 and "<mark" in view.text


def counts(url: str) -> dict[str, float]:
    text = httpx.get(url + "/metrics", timeout=30).text
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == "qa_slack_events_total":
                out[s.labels["outcome"]] = s.value
            if s.name == "qa_answers_total" and s.labels["interface"] == "slack":
                out["answers_" + s.labels["outcome"]] = s.value
    return out


def test_events_received_deduplicated_and_dropped_are_counted(live_bot):
    event = mention(f"<@{BOT_USER_ID}> {QUESTION}", channel="C0100")
    first = event_callback(event, event_id="EvCOUNT")
    post_event(live_bot.url, first, **{"X-Slack-Retry-Num": "1"})
    post_event(live_bot.url, first)  # a redelivery of the same event_id
    post_event(live_bot.url, event_callback(dict(event, type="message", channel_type="im")))
    live_bot.standin.wait_for("chat.postMessage")

    live_bot.standin.script("chat.postMessage", 200, body={"ok": False, "error": "not_in_channel"})
    post_event(live_bot.url, event_callback(mention(f"<@{BOT_USER_ID}> {QUESTION}", channel="C9")))
    deadline = time.monotonic() + 30
    while counts(live_bot.url).get("dropped", 0) < 1 and time.monotonic() < deadline:
        time.sleep(0.1)

    seen = counts(live_bot.url)
    assert seen["received"] == 4
    assert seen["deduplicated"] == 2  # the retry by event_id, the repeat as a message event
    assert seen["dropped"] == 1
    assert seen["answers_answered"] == 2  # one per question actually answered
    assert live_bot.bot.deps.sender.dropped == 1
