"""Choosing quotes from a ranking: pairs of adjacent sentences, no repeats, a score margin."""

from __future__ import annotations

from dataclasses import dataclass

from qa.answer.quotes import NEEDS_PREVIOUS, PAIR_MARGIN, PREVIOUS_MARGIN, QUOTE_MARGIN, pick
from qa.answer.ranker import ScoredSentence
from qa.models import Document, Sentence


@dataclass
class SentenceTable:
    """The parts of an index version that ``pick`` reads: its sentence rows, and the
    documents (for their code spans, which a quote never spans)."""

    sentences: list[Sentence]
    documents: dict[str, Document]


def table(*docs: tuple[str, list[str]], code: dict[str, tuple] | None = None) -> SentenceTable:
    """Each document's sentences one space apart; ``code``: a document's code spans."""
    rows, documents = [], {}
    for doc, texts in docs:
        offset = 0
        for text in texts:
            rows.append(Sentence(doc, offset, offset + len(text), text))
            offset += len(text) + 1
        spans = (code or {}).get(doc, ())
        documents[doc] = Document(doc, doc, doc, doc, " ".join(texts), doc, code=spans)
    return SentenceTable(rows, documents)


def scored(**scores: float) -> list[ScoredSentence]:
    ranked = [ScoredSentence(int(k[1:]), v, {}) for k, v in scores.items()]
    return sorted(ranked, key=lambda s: -s.score)


ARTICLE = (
    "a",
    [
        "In 2020 the army ran an operation in La Pampa.",
        "The operation destroyed 41 illegal mining sites.",
        "Mining moved to other rivers afterwards.",
        "Coca cultivation rose in the same year.",
    ],
)
OTHER = ("b", ["Another document opens here with a sentence.", "And goes on for a while."])


def test_a_close_neighbour_joins_the_quote_in_document_order():
    reader = table(ARTICLE)
    picks = pick(reader, scored(r0=10.0, r1=10.0 - PAIR_MARGIN / 2, r3=2.0), limit=3)

    assert [p.rows for p in picks] == [(0, 1)]
    assert picks[0].score == 10.0


def test_a_neighbour_beyond_the_margin_stays_out():
    reader = table(ARTICLE)
    picks = pick(reader, scored(r1=10.0, r2=10.0 - PAIR_MARGIN - 0.01, r0=1.0), limit=1)

    assert [p.rows for p in picks] == [(1,)]


def test_the_sentence_before_joins_further_off_when_it_holds_question_words_the_pick_lacks():
    reader = table(ARTICLE)
    lacking = {"residual": 0.4, "residual_context": 0.45 + NEEDS_PREVIOUS}
    below = 10.0 - PAIR_MARGIN - 0.5  # beyond the plain margin, within PREVIOUS_MARGIN
    assert PAIR_MARGIN < 10.0 - below <= PREVIOUS_MARGIN

    def picked(features: dict[str, float], before: float) -> list[tuple[int, ...]]:
        ranked = [ScoredSentence(1, 10.0, features), ScoredSentence(0, before, {})]
        return [p.rows for p in pick(reader, ranked, limit=1)]

    assert picked(lacking, below) == [(0, 1)]
    assert picked({"residual": 0.4, "residual_context": 0.5}, below) == [(1,)]  # lends little
    assert picked(lacking, 10.0 - PREVIOUS_MARGIN - 0.01) == [(1,)]  # too far below


def test_the_better_of_two_neighbours_is_the_one_that_joins():
    reader = table(ARTICLE)
    picks = pick(reader, scored(r1=10.0, r0=9.8, r2=9.9), limit=1)

    assert [p.rows for p in picks] == [(1, 2)]


def test_sentences_of_another_document_never_pair_up():
    reader = table(ARTICLE, OTHER)  # row 3 ends document a, row 4 opens b
    picks = pick(reader, scored(r3=10.0, r4=9.9), limit=2)

    assert [p.rows for p in picks] == [(3,), (4,)]


def test_a_sentence_already_quoted_is_not_quoted_again():
    reader = table(ARTICLE, OTHER)
    picks = pick(reader, scored(r1=10.0, r2=9.9, r3=9.8, r4=9.7), limit=3)

    rows = [r for p in picks for r in p.rows]
    assert len(rows) == len(set(rows))
    assert picks[0].rows == (1, 2)
    assert picks[1].rows == (3,)  # row 2 is taken, so row 3 stands alone; then b's row 4
    assert picks[2].rows == (4,)


def test_quotes_far_below_the_best_are_left_out():
    reader = table(ARTICLE, OTHER)
    picks = pick(reader, scored(r0=10.0, r4=10.0 - QUOTE_MARGIN - 0.1), limit=3)

    assert [p.rows for p in picks] == [(0,)]


def test_repeated_text_is_quoted_once():
    reader = table(
        ("a", ["The same sentence appears twice here."]),
        ("b", ["The same sentence appears twice here."]),
    )
    picks = pick(reader, scored(r0=5.0, r1=4.9), limit=3)

    assert [p.rows for p in picks] == [(0,)]


def test_a_sentence_edited_by_a_word_is_a_near_duplicate_but_a_new_fact_is_not():
    reader = table(
        ("v1", ["The plant in Arequipa produced 40 tonnes of copper in the first quarter."]),
        ("v2", ["The plant in Arequipa produced 42 tonnes of copper in the first quarter."]),
        ("v3", ["The plant in Arequipa closed for maintenance during the winter months."]),
    )
    picks = pick(reader, scored(r0=5.0, r1=4.9, r2=4.8), limit=3)

    assert [p.rows for p in picks] == [(0,), (2,)]


def test_a_repeat_left_out_does_not_return_as_a_neighbour():
    reader = table(
        ("v1", ["The plant in Arequipa produced 40 tonnes of copper in the first quarter."]),
        (
            "v2",
            [
                "The plant in Arequipa produced 42 tonnes of copper in the first quarter.",
                "Its new furnace came online in February and doubled the output.",
            ],
        ),
    )
    picks = pick(reader, scored(r0=5.0, r1=4.9, r2=4.7), limit=3)

    assert [p.rows for p in picks] == [(0,), (2,)]


POINTING_BACK = (
    "c",
    [
        "Peyton Manning led the Broncos to the title.",
        "He is also the oldest quarterback to play in the final.",
        "Italy hosted the next tournament.",
        "“They said so,” the coach added later.",
    ],
)


def best(reader: SentenceTable, **scores: float) -> list[tuple[int, ...]]:
    """The rows of the one quote picked from a ranking of the given scores."""
    return [p.rows for p in pick(reader, scored(**scores), limit=1)]


def test_a_sentence_that_points_back_takes_in_the_one_before_whatever_its_score():
    reader = table(POINTING_BACK)

    assert best(reader, r1=10.0) == [(0, 1)]
    assert best(reader, r3=10.0) == [(2, 3)]  # after a quote mark
    assert best(reader, r2=10.0) == [(2,)]  # "Italy", not "It"


def test_pointing_back_never_reaches_into_another_document_or_a_heading():
    reader = table(OTHER, ("c", ["Background", "It began in 1990 with two members."]))

    assert best(reader, r3=10.0) == [(3,)]  # a heading before
    reader = table(OTHER, ("c", ["It began in 1990 with two members of staff."]))
    assert best(reader, r2=10.0) == [(2,)]  # first of its document


def test_sentences_either_side_of_a_code_block_never_join():
    """Code is no sentence, so the rows before and after a code block are adjacent; their
    quote would show the code between them."""
    texts = ["Install it with pip as usual.", "pip install acme", "Then import it by name."]
    plain = table(("a", [texts[0], texts[2]]))
    assert [p.rows for p in pick(plain, scored(r0=10.0, r1=9.9), limit=1)] == [(0, 1)]

    start = len(texts[0]) + 1
    with_code = table(("a", texts), code={"a": ((start, start + len(texts[1])),)})
    with_code.sentences.pop(1)  # the index makes no sentence of code

    assert [p.rows for p in pick(with_code, scored(r0=10.0, r1=9.9), limit=1)] == [(0,)]
