"""/ask, the share button and 👍/👎 end to end over HTTP with the real AnswerService."""

from __future__ import annotations

import json

from harness.slack_requests import block_action, post_action, post_form, slash_command
from qa.feedback import FeedbackStore

QUESTION = "How many hectares of coca were under cultivation in 2019?"


def ask(live_bot, text: str = QUESTION, **kw):
    url = live_bot.standin.response_url("ask")
    response = post_form(live_bot.url, slash_command(text, url, **kw))
    assert response.status_code == 200
    assert response.text == ""  # a bare ack: the answer follows privately
    (call,) = live_bot.standin.wait_for("chat.postEphemeral")
    return call


def buttons(call) -> dict[str, dict]:
    return {b["action_id"]: b for b in call.body["blocks"][-1]["elements"]}


def test_ask_answers_privately_with_a_share_button(live_bot):
    call = ask(live_bot, user="U0777", channel="C0555")

    assert call.body["channel"] == "C0555"
    assert call.body["user"] == "U0777"
    assert "72,000 hectares" in call.body["text"]
    assert any("72,000" in json.dumps(b) for b in call.body["blocks"] if b["type"] == "section")
    assert set(buttons(call)) == {"qa_feedback_up", "qa_feedback_down", "qa_share"}
    assert live_bot.standin.calls_to("chat.postMessage") == []


def test_share_button_posts_the_answer_publicly(live_bot):
    private = ask(live_bot, channel="C0555")
    share = buttons(private)["qa_share"]

    response = post_action(
        live_bot.url,
        block_action(share, response_url=live_bot.standin.response_url("share"), channel="C0555"),
    )

    assert response.status_code == 200
    (public,) = live_bot.standin.wait_for("chat.postMessage")
    assert public.body["channel"] == "C0555"
    assert "72,000 hectares" in public.body["text"]
    assert public.body["blocks"][:-1] == private.body["blocks"][:-1]
    assert set(buttons(public)) == {"qa_feedback_up", "qa_feedback_down"}


def test_share_falls_back_to_response_url_when_the_bot_is_not_in_the_channel(live_bot):
    private = ask(live_bot)
    live_bot.standin.script("chat.postMessage", 200, body={"ok": False, "error": "not_in_channel"})

    post_action(
        live_bot.url,
        block_action(buttons(private)["qa_share"], response_url=live_bot.standin.response_url("s")),
    )

    (hook,) = live_bot.standin.wait_for("response/s")
    assert hook.body["response_type"] == "in_channel"
    assert "72,000 hectares" in hook.body["text"]
    assert live_bot.bot.deps.sender.dropped == 0


def test_ask_falls_back_to_response_url_where_the_bot_cannot_post(live_bot):
    live_bot.standin.script(
        "chat.postEphemeral", 200, body={"ok": False, "error": "not_in_channel"}
    )
    url = live_bot.standin.response_url("ask")

    post_form(live_bot.url, slash_command(QUESTION, url))

    (hook,) = live_bot.standin.wait_for("response/ask")
    assert hook.body["response_type"] == "ephemeral"
    assert hook.body["replace_original"] is False
    assert "72,000 hectares" in hook.body["text"]


def test_thumbs_up_on_a_public_answer_is_recorded_and_acknowledged(live_bot):
    private = ask(live_bot)
    answer_message = {
        "ts": "1700000001.000200",
        "thread_ts": "1700000000.000100",
        "text": private.body["text"],
        "blocks": private.body["blocks"],
    }
    up = buttons(private)["qa_feedback_up"]

    response = post_action(
        live_bot.url,
        block_action(
            up,
            response_url=live_bot.standin.response_url("fb"),
            user="U0888",
            channel="C0999",
            message=answer_message,
        ),
    )

    assert response.status_code == 200
    thanks = live_bot.standin.wait_for("chat.postEphemeral", count=2)[1]
    assert thanks.body["text"] == "Thanks, recorded."
    assert (thanks.body["channel"], thanks.body["user"]) == ("C0999", "U0888")
    assert thanks.body["thread_ts"] == "1700000000.000100"
    (record,) = FeedbackStore.for_index_dir(live_bot.settings.index_dir).all()
    assert (record.question, record.user, record.verdict) == (QUESTION, "U0888", "up")
    assert record.answer == private.body["text"]
    assert record.index_version == json.loads(up["value"])["v"]
    assert record.index_version


def test_thumbs_down_on_a_private_answer_records_what_was_shown(live_bot):
    private = ask(live_bot)

    post_action(
        live_bot.url,
        block_action(
            buttons(private)["qa_feedback_down"],
            response_url=live_bot.standin.response_url("fb"),
            user="U0444",
        ),
    )

    live_bot.standin.wait_for("chat.postEphemeral", count=2)
    (record,) = FeedbackStore.for_index_dir(live_bot.settings.index_dir).all()
    assert (record.verdict, record.user) == ("down", "U0444")
    assert record.answer == private.body["text"]


def test_empty_ask_explains_how_to_ask(live_bot):
    call = ask(live_bot, text="   ")
    assert "/ask <question>" in call.body["text"]


def test_too_long_ask_gets_a_friendly_sentence(live_bot):
    limit = live_bot.settings.max_question_chars
    call = ask(live_bot, text="x" * (limit + 1))
    assert call.body["text"] == (
        f"That question is too long for me; please keep it under {limit:,} characters."
    )
