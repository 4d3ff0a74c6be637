"""The shipped article's own question set (bench/article_questions.jsonl) keeps its quality."""

from dataclasses import dataclass
from pathlib import Path

from qa.answer.ranker import is_quotable
from qa.evaluation.datasets import load_jsonl
from qa.evaluation.metrics import evaluate

BENCH = Path(__file__).resolve().parents[2] / "bench"
QUESTIONS = BENCH / "article_questions.jsonl"
OUT_OF_CORPUS = BENCH / "out_of_corpus.jsonl"
CHECK_QUESTIONS = BENCH / "article_check.jsonl"
CHECK_OUTSIDE = BENCH / "out_of_corpus_check.jsonl"
SECOND_CHECK_QUESTIONS = BENCH / "article_check_2.jsonl"
SECOND_CHECK_OUTSIDE = BENCH / "out_of_corpus_check_2.jsonl"
SUBSTITUTED = BENCH / "out_of_corpus_substituted.jsonl"
# Measured at the default threshold (see bench/README.md): none of the 20 answered; the closest is
# "Who is the president of Peru?" at 0.26, where the article speaks of Peru's presidents.
MAX_OUTSIDE_ANSWERED = 0
# Measured (see bench/README.md): 31 of 32 with the top-ranked sentence and with the top quote as
# shown, which may take in the next sentence. A drop below either is a regression.
MIN_TOP1 = 31
MIN_QUOTE1 = 31


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
    assert sum(answered) >= 31, answered


def test_the_check_sets_nobody_fitted_on_hold_their_measured_quality(service):
    """bench/article_check.jsonl and bench/out_of_corpus_check.jsonl are never used to fit
    weights or the confidence; measured: 26 of 26 quoted right, none refused (the lowest
    at 0.36; "What is the third part of the series about?" was refused at 0.21 until
    ordinal words were analysed as numerals, and is at 0.66), and none of the 16
    outside questions answered (the closest, "What is the main export of Ecuador?", at
    0.25; the one on Argentina's soybeans, answered at 0.45 before the confidence read
    names the corpus never mentions, at 0.21)."""
    found = _check(service, CHECK_QUESTIONS, CHECK_OUTSIDE)
    assert len(found.right) >= 26, found.quotes
    assert not found.refused, found.refused
    assert found.outside == 16 and not found.answered, found.answered


def test_an_answer_in_the_sentence_after_the_named_event_is_quoted_with_it(service):
    answer = service.ask("How many illegal mining sites did the La Pampa operation destroy?")

    top = answer.quotes[0]
    _, document = service.document(top.document.id)
    assert document.text[top.start : top.end] == top.text
    assert "La Pampa" in top.text and "41 illegal mining sites" in top.text


def test_the_second_check_sets_hold_their_measured_quality(service):
    """bench/article_check_2.jsonl (28) and bench/out_of_corpus_check_2.jsonl (12), written
    after the first check sets and never fitted on. Measured: 26 of 28 quoted right, one of
    them refused ("What did the drug control report call for?", 0.12); 2 of the 12 outside
    questions answered, each naming a place the article mentions elsewhere while the quote
    is about Peru ("How many hectares of coca does Bolivia grow?" at 0.86, "How much gold
    does Peru export each year?" at 0.50). Since the confidence reads names the document
    holds only far from the quote, Bolivia's is refused (0.297) and only the gold question
    is answered. Known failures, held at their measured level."""
    found = _check(service, SECOND_CHECK_QUESTIONS, SECOND_CHECK_OUTSIDE)
    assert len(found.right) >= 26, found.quotes
    assert len(found.refused) <= 1, found.refused
    assert found.outside == 12 and len(found.answered) <= 1, found.answered


def test_a_question_about_another_country_the_article_names_elsewhere_is_refused(service):
    """bench/out_of_corpus_substituted.jsonl: 14 article facts asked of another place or
    party the article names ("How many hectares of coca did Colombia have under
    cultivation in 2019?", where the article gives Peru's). Written to study this failure,
    so not a held-out figure: 12 were answered before the confidence read misplaced names
    (qa.answer.misplaced), 5 after: four name something within two sentences of their
    quote, one a nationality ("the Colombian Congress")."""
    asked = {q.question: service.ask(q.question) for q in load_jsonl(SUBSTITUTED)}

    colombia = asked["How many hectares of coca did Colombia have under cultivation in 2019?"]
    assert not colombia.answered and colombia.quotes == (), colombia.confidence
    assert "72,000 hectares" in colombia.passages[0].text  # the nearest passage is still shown
    answered = [(q, a.confidence) for q, a in asked.items() if a.answered]
    assert len(asked) == 14 and len(answered) <= 5, answered


@dataclass(frozen=True)
class CheckSetResult:
    right: list[str]  # article questions whose top quote holds the answer
    refused: list[tuple[str, float]]  # ... of those, below the confidence threshold
    quotes: list[tuple[str, str]]  # every article question with the start of its top quote
    outside: int  # outside questions asked
    answered: list[tuple[str, float]]  # ... of those, answered


def _check(service, questions: Path, outside: Path) -> CheckSetResult:
    """A pair of check sets asked of the service at its default threshold."""
    report = evaluate(service, load_jsonl(questions))
    right = [r for r in report.results if r.quote_correct]
    threshold = service.settings.min_confidence
    asked = [service.ask(q.question) for q in load_jsonl(outside)]
    return CheckSetResult(
        right=[r.question for r in right],
        refused=[(r.question, r.confidence) for r in right if r.confidence < threshold],
        quotes=[(r.question, r.top_quote[:80]) for r in report.results],
        outside=len(asked),
        answered=[(a.question, a.confidence) for a in asked if a.answered],
    )
