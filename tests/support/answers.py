"""Answers for tests: sample quotes and answers, a fixed-answer service, cited titles."""

from __future__ import annotations

from qa.models import Answer, DocumentRef, Quote

# The keys of an answer as the API and `qa ask --json` return it.
ANSWER_KEYS = {
    "question",
    "outcome",
    "answered",
    "confidence",
    "quotes",
    "passages",
    "index_version",
    "timings_ms",
}


def cited_titles(answer) -> set[str]:
    """Titles of the documents behind every quote and passage of an Answer."""
    return {q.document.title for q in (*answer.quotes, *answer.passages)}


class FakeService:
    """Same ``ask`` signature as AnswerService; answers from a fixed quote list."""

    def __init__(self, answer: Answer | None = None, error: Exception | None = None) -> None:
        self.answer, self.error, self.questions = answer, error, []

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        self.questions.append(question)
        if self.error is not None:
            raise self.error
        return self.answer or sample_answer(question)


def sample_quote(text: str = "In 2019, about 72,000 hectares of coca.", **doc) -> Quote:
    ref = DocumentRef(doc.get("id", "d1"), doc.get("title", "Peru"), doc.get("source", "peru.txt"))
    return Quote(text, 0.9, 100, 100 + len(text), ref, doc.get("page"))


def sample_answer(question: str = "q?", answered: bool = True, **kw) -> Answer:
    quotes = kw.pop("quotes", (sample_quote(),))
    return Answer(
        question=question,
        answered=answered,
        confidence=0.8 if answered else 0.1,
        quotes=quotes if answered else (),
        passages=kw.pop("passages", quotes),
        index_version="v-test",
    )
