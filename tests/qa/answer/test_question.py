"""A question is analysed once, against the index version that answers it."""

from __future__ import annotations

import numpy as np
import pytest

from qa.answer import question as question_module
from qa.answer.misplaced import counted_names
from qa.answer.names import name_words
from qa.answer.question import Question, names
from qa.build.build import build_index
from qa.index.lexical import analyze
from qa.runtime import Runtime
from tests.support.embedders import FakeEmbedder
from tests.support.settings import corpus_settings

REPORT = (
    "Riverboats\n\n"
    "The navy runs riverboats (Plataformas Itinerantes de Acción Social – PIAS) on the "
    "Putumayo River. Each PIAS carries doctors and a bank office to the villages.\n"
)


@pytest.fixture
def runtime(tmp_path):
    settings = corpus_settings(tmp_path, {"report.txt": REPORT})
    build_index(settings, FakeEmbedder())
    return Runtime.build(settings, FakeEmbedder())


def test_a_name_is_a_run_of_capitalised_words_after_the_first_word():
    assert names("Where did Prince Antoni meet George Sand?") == (
        ("Prince", "Antoni"),
        ("George", "Sand"),
    )
    assert names("Who founded the MRTA in Lima?") == (("MRTA",), ("Lima",))
    assert names("Peru grows coca") == ()  # the first word is capitalised anyway
    assert names("Did Peru and Chile sign?") == (("Peru",), ("Chile",))
    assert names("how big is peru") == ()


def test_both_name_checks_read_the_questions_names(runtime):
    reader = runtime.live.current()
    text = "Did the UMC meet Prince Antoni in January?"
    asked = Question.read(text, reader, np.zeros(8, dtype=np.float32))

    assert asked.names == (("UMC",), ("Prince", "Antoni"), ("January",))
    assert name_words(asked) == ["UMC", "Prince", "Antoni", "January"]
    assert counted_names(asked) == [["Prince", "Antoni"]]  # no acronyms, no months


def test_a_question_holds_its_terms_idf_acronyms_and_vector(runtime):
    reader = runtime.live.current()
    text = "What does PIAS stand for?"
    vector = FakeEmbedder().embed_query(text)
    asked = Question.read(text, reader, vector)

    assert asked.text == text and asked.vector is vector
    assert asked.terms == tuple(analyze(text)) == ("pia", "stand")
    assert asked.idf == reader.idf(list(asked.terms))
    assert asked.idf["pia"] < asked.idf["stand"]  # "stand" is in no chunk, "PIAS" is
    assert asked.acronyms == ("PIAS",)
    assert Question.read("Who runs the boats?", reader, vector).acronyms == ()
    assert asked.cased and not Question.read("WHO RUNS THE BOATS", reader, vector).cased


def test_an_answer_analyses_its_question_once(runtime, monkeypatch):
    calls = []
    real = question_module.analyze

    def counted(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(question_module, "analyze", counted)
    runtime.service.ask("What does PIAS stand for?")

    assert calls == ["What does PIAS stand for?"]
