"""Answer quality on a question set: each question ranked and graded, then summarised."""

from __future__ import annotations

import json
import re
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qa.answer.confidence import outcome
from qa.answer.ranker import is_quotable
from qa.answer.service import AnswerService
from qa.evaluation.datasets import EvalQuestion
from qa.index.version import IndexVersion
from qa.index.views import SENTENCES
from qa.models import ANSWERED, NOT_FOUND, Quote

_SPACE = re.compile(r"\s+")
OUTCOME_COUNTS = (
    "right_answered",
    "right_hedged",
    "wrong_answered",
    "wrong_hedged",
    "refused_answerable",
    "refused_unanswerable",
)


@dataclass(frozen=True)
class QuestionResult:
    id: str
    question: str
    answerable: bool
    correct_rank: int | None  # 1-based rank of the first correct sentence, within 10
    document_rank: int | None  # 1-based rank of the gold document, within 10
    baseline_correct: bool  # nearest sentence by embedding alone
    confidence: float
    top_quote: str  # the top quote as shown: one sentence, or two adjacent ones
    top_quotable: bool
    expected: tuple[str, ...]
    has_gold_document: bool = False
    quote_correct: bool = False  # the shown top quote holds an expected sentence or fact
    quote_sentences: int = 1
    answer_ms: float = 0.0  # in-process time to rank and quote, without HTTP
    hedgeable: bool = True  # False when a misplaced name leaves no middle tier


@dataclass
class EvalReport:
    results: list[QuestionResult] = field(default_factory=list)

    def summary(self) -> dict:
        answerable = [r for r in self.results if r.answerable]
        n = len(answerable) or 1

        def acc(k: int) -> float:
            return sum(1 for r in answerable if r.correct_rank and r.correct_rank <= k) / n

        located = [r for r in answerable if r.has_gold_document]

        def hit(k: int) -> float | None:
            if not located:
                return None  # question sets without a gold document (JSONL) have no hit@k
            found = sum(1 for r in located if r.document_rank and r.document_rank <= k)
            return round(found / len(located), 4)

        return {
            "questions": len(self.results),
            "answerable": len(answerable),
            "acc@1": round(acc(1), 4),
            "acc@3": round(acc(3), 4),
            "mrr": round(sum(1 / r.correct_rank for r in answerable if r.correct_rank) / n, 4),
            "doc_hit@1": hit(1),
            "doc_hit@5": hit(5),
            "quote@1": round(sum(r.quote_correct for r in answerable) / n, 4),
            "baseline_acc@1": round(sum(r.baseline_correct for r in answerable) / n, 4),
            "top_quote_not_quotable": sum(1 for r in answerable if not r.top_quotable),
            "two_sentence_quotes": round(
                sum(r.quote_sentences > 1 for r in self.results) / (len(self.results) or 1), 4
            ),
            "answer_latency": latency_summary([r.answer_ms for r in self.results])
            if self.results
            else None,
        }

    def curve(self, thresholds: list[float]) -> list[dict]:
        """Coverage versus accuracy when answering only above each confidence threshold."""
        rows = []
        total = len(self.results) or 1
        answerable = sum(r.answerable for r in self.results) or 1
        for t in thresholds:
            shown = [r for r in self.results if r.confidence >= t]
            right = sum(1 for r in shown if r.correct_rank == 1)
            unanswerable_shown = sum(1 for r in shown if not r.answerable)
            rows.append(
                {
                    "threshold": t,
                    "coverage": round(len(shown) / total, 4),
                    "precision": round(right / len(shown), 4) if shown else None,
                    "answerable_correct": round(right / answerable, 4),
                    "unanswerable_answered": unanswerable_shown,
                }
            )
        return rows

    def outcomes(self, answer_at: float, hedge_at: float) -> dict[str, int]:
        """The three outcomes (qa.answer.confidence.outcome) split by right and wrong.

        Right means answerable with the answer in the top quote as shown; an unanswerable
        question's quote is always wrong. Every question lands in exactly one count.
        """
        counts = dict.fromkeys(OUTCOME_COUNTS, 0)
        for r in self.results:
            right = r.answerable and r.quote_correct
            shown = outcome(r.confidence, answer_at, hedge_at, r.hedgeable)
            if shown == NOT_FOUND:
                key = "refused_answerable" if r.answerable else "refused_unanswerable"
            else:
                verdict = "right" if right else "wrong"
                key = f"{verdict}_answered" if shown == ANSWERED else f"{verdict}_hedged"
            counts[key] += 1
        return counts

    def reliability(self, edges: list[float]) -> list[dict]:
        """Per confidence band: mean confidence against the share whose top quote is right.

        A calibrated confidence has the two close in every band.
        """
        rows = []
        for lo, hi in zip(edges, edges[1:]):
            band = [r for r in self.results if lo <= r.confidence < hi]
            if band:
                right = sum(1 for r in band if r.answerable and r.correct_rank == 1)
                rows.append(
                    {
                        "band": (lo, hi),
                        "questions": len(band),
                        "mean_confidence": round(sum(r.confidence for r in band) / len(band), 4),
                        "right": round(right / len(band), 4),
                    }
                )
        return rows

    def write(self, path: Path) -> None:
        with path.open("w") as fh:
            for r in self.results:
                fh.write(json.dumps(asdict(r)) + "\n")


def normalize(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def matches(quote: str, question: EvalQuestion) -> bool:
    q = normalize(quote)
    return any(normalize(e) in q for e in question.expected if e.strip())


def sentence_right(item: EvalQuestion, reader: IndexVersion, row: int) -> bool:
    """The sentence holds the answer: its span (SQuAD) or an expected text (WikiQA, JSONL)."""
    sentence = reader.sentences[row]
    if item.answer_span is not None:
        return _holds_span(item, sentence.document_id, sentence.start, sentence.end)
    return matches(sentence.text, item)


def quote_right(item: EvalQuestion, reader: IndexVersion, quote: Quote) -> bool:
    """The quote as shown holds the answer; a SQuAD answer must be within two sentences."""
    if item.answer_span is not None:
        return (
            _holds_span(item, quote.document.id, quote.start, quote.end)
            and _sentence_count(reader, quote) <= 2
        )
    return matches(quote.text, item)


def _holds_span(item: EvalQuestion, document_id: str, start: int, end: int) -> bool:
    a, b = item.answer_span or (0, 0)
    return document_id == item.gold_document and start <= a and b <= end


def evaluate(service: AnswerService, questions: list[EvalQuestion]) -> EvalReport:
    report = EvalReport()
    for item in questions:
        started = time.perf_counter()
        ranking = service.rank(item.question)
        shown = service.quotes(ranking, 1)
        elapsed_ms = (time.perf_counter() - started) * 1000
        reader = ranking.reader
        rows = [s.row for s in ranking.ranked[:10]]
        correct = next((i + 1 for i, r in enumerate(rows) if sentence_right(item, reader, r)), None)
        docs: list[str] = []
        for hit in ranking.hits:
            doc = reader.chunks[hit.row].document_id
            if doc not in docs:
                docs.append(doc)
        doc_rank = docs.index(item.gold_document) + 1 if item.gold_document in docs[:10] else None
        # The plain baseline: the quotable sentence nearest to the question, embedding only.
        nearest = [
            row
            for row, _ in reader.dense_search(SENTENCES, ranking.vector, 20)
            if is_quotable(reader.sentences[row].text)
        ]
        baseline = bool(nearest) and sentence_right(item, reader, nearest[0])
        top = reader.sentences[rows[0]].text if rows else ""
        quote = shown[0].text if shown else ""
        report.results.append(
            QuestionResult(
                item.id,
                item.question,
                bool(item.expected),
                correct,
                doc_rank,
                baseline,
                round(ranking.confidence, 4),
                quote,
                is_quotable(top) if top else False,
                item.expected,
                item.gold_document is not None,
                bool(shown) and quote_right(item, reader, shown[0]),
                _sentence_count(reader, shown[0]) if shown else 0,
                round(elapsed_ms, 2),
                ranking.evidence is None or not ranking.evidence.misplaced,
            )
        )
    return report


def _sentence_count(reader: IndexVersion, quote: Quote) -> int:
    rows = reader.sentence_rows(quote.document.id)
    return sum(
        1
        for r in rows
        if quote.start <= reader.sentences[r].start < reader.sentences[r].end <= quote.end
    )


def latency_summary(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "n": len(ordered),
    }
