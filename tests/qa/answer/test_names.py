"""Names a question uses that its corpus never mentions, misspellings forgiven."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.answer.names import SPREAD, absent_names, name_words
from qa.answer.question import Question
from qa.build.build import build_index
from qa.index.lexical import analyze
from qa.runtime import Runtime
from tests.support.embedders import FakeEmbedder
from tests.support.settings import corpus_settings


@dataclass
class Terms:
    """The parts of an index version a Question and ``absent_names`` read: idf weights
    (unused here) and terms spelled alike."""

    terms: list[str]

    def idf(self, terms: list[str]) -> dict[str, float]:
        return dict.fromkeys(terms, 1.0)

    def terms_like(self, term: str, spread: int) -> list[str]:
        return [t for t in self.terms if t[0] == term[0] and abs(len(t) - len(term)) <= spread]


def _question(text: str, corpus: list[str] | None = None) -> Question:
    return Question.read(text, Terms(corpus or []), np.zeros(8, dtype=np.float32))  # type: ignore[arg-type]


def _absent(question: str, corpus: list[str]) -> list[str]:
    unseen = {t for t in analyze(question) if t not in corpus}
    return absent_names(_question(question, corpus), Terms(corpus), unseen)  # type: ignore[arg-type]


def test_names_are_the_capitalised_words_after_the_first():
    assert name_words(_question("Who founded the MRTA in Lima?")) == ["MRTA", "Lima"]
    assert name_words(_question("Where is the Eiffel Tower?")) == ["Eiffel", "Tower"]
    assert name_words(_question("how big is peru")) == []


def test_a_name_the_corpus_never_mentions_is_absent_in_any_spelling():
    corpus = ["peru", "coca", "gandhi", "hectar", "argentum", "grow"]
    assert _absent("How many hectares of coca does Argentina grow?", corpus) == ["Argentina"]
    assert _absent("When was Ghandi born?", corpus) == []  # "gandhi", misspelt
    assert _absent("What does Peru grow?", corpus) == []  # in the corpus as it is
    assert _absent("Was it 2019 or 2020 in Peru?", corpus) == []  # not capitalised names
    assert _absent("Did Python 3 reach Peru?", ["peru", "pythagoras"]) == ["Python"]


def test_the_index_offers_terms_by_first_letter_and_length(tmp_path):
    settings = corpus_settings(
        tmp_path, {"india.txt": "India\n\nMahatma Gandhi led India. Ganges rivers flow east."}
    )
    build_index(settings, FakeEmbedder())
    reader = Runtime.build(settings, FakeEmbedder()).live.current()

    assert reader.terms_like("ghandi", SPREAD) == ["gandhi", "gang"]  # "ganges", stemmed
    assert reader.terms_like("ghandi", 0) == ["gandhi"]
    assert reader.terms_like("", SPREAD) == []
