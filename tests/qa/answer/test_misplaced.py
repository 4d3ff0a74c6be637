"""Names a question uses that the quoted document mentions only far from the quote."""

from __future__ import annotations

import numpy as np
import pytest

from qa.answer.misplaced import counted_names, misplaced_names
from qa.answer.question import Question
from qa.build.build import build_index
from qa.runtime import Runtime
from tests.support.embedders import FakeEmbedder
from tests.support.settings import corpus_settings

REPORT = (
    "Coca report\n\n"
    "Peru had 72,000 hectares of coca under cultivation in 2019. The report called for "
    "results. The United States funds eradication.\n\n"
    "Mining moved to other rivers. Mercury poisons the water. Forests were cut down. "
    "Roads reached the mines.\n\n"
    "Colombia and Bolivia border the region. Their coca is measured elsewhere. Sales "
    "abroad go through the U.S. and Chile.\n"
)


@pytest.fixture
def far(tmp_path):
    """``misplaced_names(question, reader, row)`` for the REPORT sentence opening so."""
    settings = corpus_settings(tmp_path, {"report.txt": REPORT})
    build_index(settings, FakeEmbedder())
    reader = Runtime.build(settings, FakeEmbedder()).live.current()

    def ask(question: str, opening: str) -> list[str]:
        row = next(r for r, s in enumerate(reader.sentences) if s.text.startswith(opening))
        asked = Question.read(question, reader, FakeEmbedder().embed_query(question))
        return misplaced_names(asked, reader, row)

    return ask


class NoTerms:
    """An index version holding no terms: all a Question needs of one here."""

    def idf(self, terms: list[str]) -> dict[str, float]:
        return dict.fromkeys(terms, 1.0)


def name_runs(text: str) -> list[list[str]]:
    """The names the misplaced check counts in ``text``."""
    return counted_names(Question.read(text, NoTerms(), np.zeros(8, dtype=np.float32)))  # type: ignore[arg-type]


def test_names_are_runs_of_capitalised_words_less_those_said_otherwise_near_an_answer():
    assert name_runs("Where did Prince Antoni meet George Sand?") == [
        ["Prince", "Antoni"],
        ["George", "Sand"],
    ]
    assert name_runs("What did the UMC say in January?") == []  # an acronym, a month
    assert name_runs("Did French and Americans visit Two Rivers?") == [["Rivers"]]
    assert name_runs("What is an Apple-produced accessory?") == [["Apple"]]
    assert name_runs("Who leads Ecuador's army?") == [["Ecuador"]]
    assert name_runs("Peru grows coca") == []  # the first word is capitalised anyway


def test_a_name_the_document_holds_only_paragraphs_away_is_misplaced(far):
    assert far("How much coca did Colombia grow?", "Peru had") == ["Colombia"]
    assert far("Did Colombia poison the water?", "Mercury") == ["Colombia"]
    assert far("How much coca did Peru grow?", "Peru had") == []  # in the quote
    assert far("How much coca do Peruvian farmers grow?", "Peru had") == []  # "Peru" opens it
    assert far("How much coca does Argentina grow?", "Peru had") == []  # never mentioned
    assert far("HOW MUCH COCA DID COLOMBIA GROW", "Peru had") == []  # capitals: no names


def test_the_paragraph_the_title_two_sentences_either_side_and_initials_are_near(far):
    assert far("Where does Bolivia measure coca?", "Their coca") == []  # two sentences on
    assert far("What does the Coca report say of mining?", "Roads") == []  # the title
    assert far("Did Colombia cut the forests?", "Forests were") == []  # two sentences on
    assert far("Did Bolivia cut the forests?", "Roads") == []  # the next sentence
    assert far("Do sales reach the United States?", "Their coca") == []  # "U.S."
    assert far("Do sales reach the United States?", "Roads") == ["United States"]
