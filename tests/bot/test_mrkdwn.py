"""Reading questions out of Slack messages and cutting mrkdwn safely."""

from __future__ import annotations

import pytest

from bot.text import escape, is_help, question_from, truncate, unescape


def test_question_drops_mentions_and_unescapes_what_slack_escaped():
    text = "<@UQABOT>  is  revenue &gt; 5 &amp; costs &lt; 3? <@U2|bob>"
    assert question_from(text) == "is revenue > 5 & costs < 3?"


def test_links_and_channel_refs_read_as_their_labels():
    text = "<@UQABOT> what does <https://x.org/a|the wiki> say in <#C1|general>? <https://y.org>"
    assert question_from(text) == "what does the wiki say in general? https://y.org"


@pytest.mark.parametrize("text", ["", "help", " Help! ", "?", "usage", "HELP."])
def test_help_words(text):
    assert is_help(question_from(f"<@UQABOT> {text}"))


def test_a_real_question_is_not_help():
    assert not is_help("help with coca numbers in 2019?")


def test_escape_round_trip():
    raw = "a < b && c > d"
    assert escape(raw) == "a &lt; b &amp;&amp; c &gt; d"
    assert unescape(escape(raw)) == raw


def test_truncate_never_splits_an_entity():
    text = escape("ab&&&&&&")
    for limit in range(3, len(text)):
        cut = truncate(text, limit)
        assert len(cut) <= limit
        body = cut.removesuffix("…")
        assert unescape(body) == "ab&&&&&&"[: len(unescape(body))]
        assert not body.endswith(("&", "&a", "&am", "&amp"))
