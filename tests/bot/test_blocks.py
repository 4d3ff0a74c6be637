"""Rendering answers for Slack: escaping, links, locations and Block Kit limits."""

from __future__ import annotations

import json

from bot.blocks import (
    MAX_BLOCKS,
    NOT_FOUND,
    POSSIBLY,
    SECTION_LIMIT,
    VALUE_LIMIT,
    answer_message,
    parse_button_value,
    plain_source,
    source_line,
)
from qa.models import Answer, DocumentRef, Quote
from tests.support.answers import sample_answer, sample_quote


def sections(message) -> list[str]:
    return [b["text"]["text"] for b in message.blocks if b["type"] == "section"]


def test_document_text_is_escaped_in_blocks_and_fallback():
    quote = sample_quote("Profits <b>rose</b> & fell > 5% <@U123> <!channel>")
    message = answer_message(sample_answer(quotes=(quote,)))

    expected = "Profits &lt;b&gt;rose&lt;/b&gt; &amp; fell &gt; 5% &lt;@U123&gt; &lt;!channel&gt;"
    assert sections(message)[0] == "> " + expected
    assert expected in message.text
    assert "<@U123>" not in json.dumps(message.blocks)


def test_multiline_quote_is_a_block_quote_on_every_line():
    message = answer_message(sample_answer(quotes=(sample_quote("one\ntwo\n\nthree"),)))
    assert sections(message)[0] == "> one\n> two\n> \n> three"


def test_url_source_becomes_a_clickable_link_with_page_and_span():
    quote = sample_quote(
        "x", title="Q3 <report> & notes", source="https://wiki.example.com/a?b=1&c=2|3", page=4
    )
    line = source_line(quote)
    assert line == (
        "— <https://wiki.example.com/a?b=1&amp;c=2%7C3|Q3 &lt;report&gt; &amp; notes>"
        " · page 4, chars 100–101"
    )


def test_file_source_is_shown_as_a_path_not_a_link():
    line = source_line(sample_quote("x", title="Peru", source="docs/peru.txt"))
    assert line == "— *Peru* · `docs/peru.txt` · chars 100–101"
    assert source_line(sample_quote("x", source="javascript:alert(1)")).count("<") == 0


def test_huge_quotes_and_many_quotes_stay_within_block_kit_limits():
    many = tuple(sample_quote("&" * 5000) for _ in range(40))
    message = answer_message(sample_answer(quotes=many))

    assert len(message.blocks) <= MAX_BLOCKS
    assert message.blocks[-1]["type"] == "actions"
    for text in sections(message):
        assert len(text) <= SECTION_LIMIT
        assert not text.rstrip("…").endswith(("&", "&a", "&am", "&amp"))
    assert 0 < len(message.text) <= 3000


def test_not_found_is_one_sentence_plus_marked_nearest_passages():
    passages = tuple(sample_quote(f"passage {n} " + "x" * 2000) for n in range(5))
    message = answer_message(sample_answer(answered=False, passages=passages))

    texts = sections(message)
    assert texts[:2] == [NOT_FOUND, "*Nearest passages, not answers:*"]
    assert len(texts) == 2 + 3
    assert all(len(t) < 700 for t in texts[2:])
    assert message.text.startswith(NOT_FOUND + "\nNearest passages, not answers:")


def test_a_hedged_answer_shows_its_quotes_under_a_plain_possibly():
    quotes = (sample_quote("Peru had 72,000 hectares of coca."), sample_quote("Second one."))
    hedged = Answer("q?", False, 0.2, quotes=quotes, passages=quotes, outcome="possibly")

    message = answer_message(hedged)

    texts = sections(message)
    assert texts[0] == POSSIBLY and texts[0].startswith("*Possibly:*")
    assert texts[1:] == ["> Peru had 72,000 hectares of coca.", "> Second one."]
    assert NOT_FOUND not in texts and "*Nearest passages, not answers:*" not in texts
    assert message.text.startswith(POSSIBLY + "\n“Peru had 72,000 hectares of coca.”")
    assert message.blocks[-1]["type"] == "actions"


def test_not_found_without_passages_is_just_the_sentence():
    message = answer_message(sample_answer(answered=False, passages=()))
    assert sections(message) == [NOT_FOUND]
    assert message.text == NOT_FOUND


def test_buttons_carry_question_and_index_version():
    message = answer_message(sample_answer("Coca in 2019? “quotes” & ünïcode"), shareable=True)
    buttons = message.blocks[-1]["elements"]

    assert [b["action_id"] for b in buttons] == ["qa_feedback_up", "qa_feedback_down", "qa_share"]
    ref = parse_button_value(buttons[0]["value"])
    assert (ref.question, ref.index_version) == ("Coca in 2019? “quotes” & ünïcode", "v-test")


def test_a_question_too_long_for_a_button_is_cut_and_not_shareable():
    message = answer_message(sample_answer('"\\' * 3000), shareable=True)
    buttons = message.blocks[-1]["elements"]

    assert [b["action_id"] for b in buttons] == ["qa_feedback_up", "qa_feedback_down"]
    assert all(len(b["value"]) <= VALUE_LIMIT for b in buttons)
    assert parse_button_value(buttons[0]["value"]).question.endswith("…")


def test_foreign_button_values_are_ignored():
    assert parse_button_value("not json") is None
    assert parse_button_value('{"x": 1}') is None
    assert parse_button_value(None) is None


def test_the_quotes_section_is_in_the_citation_line_and_the_fallback():
    quote = Quote(
        "x",
        0.9,
        100,
        101,
        DocumentRef("d1", "pathlib", "docs/pathlib.html"),
        section="pathlib > Basic use <intro>",
        anchor="basic-use",
    )

    assert source_line(quote) == (
        "— *pathlib* · pathlib &gt; Basic use &lt;intro&gt; · `docs/pathlib.html` · chars 100–101"
    )
    assert plain_source(quote) == (
        "pathlib (docs/pathlib.html), pathlib &gt; Basic use &lt;intro&gt;, chars 100–101"
    )
