"""Sentence spans: exact offsets, and boundaries a reader would agree with."""

from __future__ import annotations

import pytest

from harness.corpora import ARTICLE, SHIPPED_CORPUS
from qa.corpus.sentences import split_spans


def sentences(text: str) -> list[str]:
    spans = split_spans(text)
    return [text[s:e] for s, e in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. Army sent troops. Dr. Smith agreed. Then it rained.",
            ["The U.S. Army sent troops.", "Dr. Smith agreed.", "Then it rained."],
        ),
        (
            "J. K. Rowling wrote it. Gen. Smith and Mr. Jones came. See Fig. 3 for details.",
            [
                "J. K. Rowling wrote it.",
                "Gen. Smith and Mr. Jones came.",
                "See Fig. 3 for details.",
            ],
        ),
        (
            "It lies in Africa . It is big . Yes.",
            ["It lies in Africa .", "It is big .", "Yes."],
        ),
        (
            'He said "Stop." Then he left. Was it late? Yes! 12 people came.',
            ['He said "Stop."', "Then he left.", "Was it late?", "Yes!", "12 people came."],
        ),
        (
            "Prices rose 3.5 percent. In 2019 it was 72,000 ha. The end",
            ["Prices rose 3.5 percent.", "In 2019 it was 72,000 ha.", "The end"],
        ),
        (
            "It arrived at 5 a.m. on Monday. It left e.g. at noon.",
            ["It arrived at 5 a.m. on Monday.", "It left e.g. at noon."],
        ),
    ],
    ids=["us-dr", "initials-titles", "africa-space-dot", "quotes-marks", "numbers", "lower"],
)
def test_boundaries(text, expected):
    assert sentences(text) == expected


def test_headings_and_list_items_stand_on_their_own_line():
    text = "Illegal mining\n\nIn October 2020, forces entered La Pampa.\nCoca\n- one item\n- two"

    assert sentences(text) == [
        "Illegal mining",
        "In October 2020, forces entered La Pampa.",
        "Coca",
        "- one item",
        "- two",
    ]


def test_wrapped_lines_stay_one_sentence():
    text = "This sentence is wrapped\nacross two lines, and\ncontinues here. Then another."

    assert sentences(text) == [
        "This sentence is wrapped\nacross two lines, and\ncontinues here.",
        "Then another.",
    ]


def test_spans_are_stripped_and_respect_start_and_end():
    text = "  skip me.  First one. Second one.  \n\n  Tail. "
    start = text.index("First")
    end = text.index("Tail") - 1

    spans = split_spans(text, start, end)

    assert [text[s:e] for s, e in spans] == ["First one.", "Second one."]


def test_empty_and_blank_text_have_no_sentences():
    assert split_spans("") == []
    assert split_spans(" \n\n\t ") == []


def test_article_spans_are_exact_ordered_and_cover_every_word():
    text = (SHIPPED_CORPUS / ARTICLE).read_text(encoding="utf-8")
    spans = split_spans(text)

    covered = [False] * len(text)
    previous_end = 0
    for s, e in spans:
        piece = text[s:e]
        assert piece == piece.strip() and piece
        assert "\n\n" not in piece
        assert s >= previous_end  # in order, never overlapping
        previous_end = e
        covered[s:e] = [True] * (e - s)
    assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace())
    assert (
        "The U.S. Office of National Drug Control Policy estimates that Peru had a total of "
        "72,000 hectares of coca under cultivation in 2019"
    ) in next(text[s:e] for s, e in spans if "72,000" in text[s:e])
    assert "Author" in sentences(text) and "Scroll to Top" in sentences(text)
