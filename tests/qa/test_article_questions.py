"""The shipped article's own question set (bench/article_questions.jsonl) keeps its quality."""

from pathlib import Path

from qa.answer.ranker import is_quotable
from qa.evaluation.datasets import load_jsonl
from qa.evaluation.metrics import evaluate

BENCH = Path(__file__).resolve().parents[2] / "bench"
QUESTIONS = BENCH / "article_questions.jsonl"
OUT_OF_CORPUS = BENCH / "out_of_corpus.jsonl"
# Measured: 1 of 20 answered ("Who is the president of Peru?": the article speaks of
# Peru's presidents, and the bot quotes that sentence).
MAX_OUTSIDE_ANSWERED = 1
# Measured (see README): 29 of 32 with the top-ranked sentence, 30 of 32 with the top quote
# as shown, which may take in the next sentence. A drop below either is a regression.
MIN_TOP1 = 29
MIN_QUOTE1 = 30


def test_article_questions_are_answered_at_top_1(service):
    questions = load_jsonl(QUESTIONS)
    report = evaluate(service, questions)

    assert len(questions) >= 30
    top1 = [r for r in report.results if r.correct_rank == 1]
    misses = [(r.question, r.top_quote[:80]) for r in report.results if r.correct_rank != 1]
    assert len(top1) >= MIN_TOP1, misses
    quoted = [r for r in report.results if r.quote_correct]
    assert len(quoted) >= MIN_QUOTE1, [(r.question, r.top_quote[:80]) for r in report.results]
    assert all(is_quotable(r.top_quote) for r in report.results)


def test_out_of_corpus_questions_abstain_while_article_questions_answer(service):
    outside = load_jsonl(OUT_OF_CORPUS)
    answers = {q.question: service.ask(q.question) for q in outside}

    for question in ("What is the capital of Australia?", "How do I reset my laptop password?"):
        assert answers[question].answered is False, (question, answers[question].confidence)
        assert answers[question].quotes == ()
    wrongly_answered = [q for q, a in answers.items() if a.answered]
    assert len(outside) >= 20 and len(wrongly_answered) <= MAX_OUTSIDE_ANSWERED, wrongly_answered
    answered = [service.ask(q.question).answered for q in load_jsonl(QUESTIONS)]
    assert sum(answered) >= 28, answered


def test_an_answer_in_the_sentence_after_the_named_event_is_quoted_with_it(service):
    answer = service.ask("How many illegal mining sites did the La Pampa operation destroy?")

    top = answer.quotes[0]
    _, document = service.document(top.document.id)
    assert document.text[top.start : top.end] == top.text
    assert "La Pampa" in top.text and "41 illegal mining sites" in top.text
