"""The answer service: question in, verbatim cited quotes out. Used by HTTP, CLI and Slack."""

from __future__ import annotations

import logging
import time
import unicodedata
from dataclasses import dataclass

import numpy as np

from qa.answer import confidence, misplaced, names, ranker
from qa.answer.question import Question
from qa.answer.quotes import pick
from qa.answer.retriever import ChunkHit, retrieve
from qa.errors import DocumentNotFound, InvalidQuestion
from qa.index.lexical import idf
from qa.index.live import LiveIndex
from qa.index.version import IndexVersion
from qa.model.embedder import Embedder
from qa.models import ANSWERED, NOT_FOUND, Answer, Document, DocumentInfo, DocumentRef, Quote
from qa.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ranking:
    """The full ranking behind an answer; evaluation reads it, answers summarise it."""

    question: str
    reader: IndexVersion
    vector: np.ndarray
    hits: list[ChunkHit]
    ranked: list[ranker.ScoredSentence]
    evidence: confidence.Evidence | None
    confidence: float


class AnswerService:
    """Thread-safe; every answer comes from one index version and says which."""

    def __init__(self, settings: Settings, embedder: Embedder, live: LiveIndex) -> None:
        self.settings = settings
        self.embedder = embedder
        self.live = live

    @property
    def model_ready(self) -> bool:
        """False while the question model is still loading."""
        return self.embedder.query_ready

    def embed_question(self, question: str) -> np.ndarray:
        """The question's vector from the query model, never queued behind a build."""
        return self.embedder.embed_query(question)

    @property
    def index_version(self) -> str | None:
        return self.live.version

    def clean_question(self, question: str) -> str:
        """Validate early, with the bad value's size in the message."""
        if not isinstance(question, str):
            raise InvalidQuestion("the question must be a string")
        surrogate = next((ch for ch in question if unicodedata.category(ch) == "Cs"), None)
        if surrogate is not None:  # JSON can carry "\ud800"; no tokenizer can read it
            raise InvalidQuestion(
                f"the question contains a lone surrogate (U+{ord(surrogate):04X}), which is "
                "not text; send valid Unicode"
            )
        cleaned = "".join(
            " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in question
        )
        cleaned = " ".join(cleaned.split())
        if not cleaned:
            raise InvalidQuestion("the question is empty")
        limit = self.settings.max_question_chars
        if len(cleaned) > limit:
            raise InvalidQuestion(
                f"the question has {len(cleaned)} characters; the limit is {limit}"
            )
        return cleaned

    def _top_k(self, top_k: int | None) -> int:
        k = self.settings.top_k if top_k is None else top_k
        if not 1 <= k <= self.settings.max_top_k:
            raise InvalidQuestion(f"top_k must be between 1 and {self.settings.max_top_k}, got {k}")
        return k

    def rank(self, question: str) -> Ranking:
        """Every candidate sentence scored, best first, from one index version."""
        question = self.clean_question(question)
        reader = self.live.current()
        vector = self.embed_question(question)
        asked = Question.read(question, reader, vector)  # every stage below reads this
        hits = retrieve(reader, asked)
        rows, strength = ranker.candidate_rows(reader, hits, asked)
        ranked = ranker.rank(reader, asked, rows, strength)
        unseen_idf = idf(0, len(reader.chunks))
        coverage = confidence.corpus_coverage(asked.idf, unseen_idf)
        unseen = confidence.unseen_terms(asked.idf, unseen_idf)
        absent = names.absent_names(asked, reader, unseen) if unseen else []
        away = misplaced.misplaced_names(asked, reader, ranked[0].row) if ranked else []
        found = confidence.evidence(ranked, coverage, bool(absent), bool(away))
        return Ranking(question, reader, vector, hits, ranked, found, confidence.confidence(found))

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        started = time.perf_counter()
        k = self._top_k(top_k)
        ranking = self.rank(question)
        reader = ranking.reader
        settings = self.settings
        hedge = ranking.evidence is not None and not ranking.evidence.misplaced
        outcome = confidence.outcome(
            ranking.confidence, settings.min_confidence, settings.hedge_confidence, hedge
        )
        quotes = self.quotes(ranking, settings.max_quotes) if outcome != NOT_FOUND else []
        outcome = outcome if quotes else NOT_FOUND
        passages = [self._chunk_quote(reader, h.row, h.score) for h in ranking.hits[:k]]
        return Answer(
            question=ranking.question,
            answered=outcome == ANSWERED,
            confidence=round(ranking.confidence, 4),
            quotes=tuple(quotes),
            passages=tuple(passages),
            index_version=reader.version,
            timings_ms={"total": round((time.perf_counter() - started) * 1000, 2)},
            outcome=outcome,
        )

    def quotes(self, ranking: Ranking, limit: int) -> list[Quote]:
        """The ranking's best quotes, verbatim and cited, whatever the confidence."""
        picked = pick(ranking.reader, ranking.ranked, limit)
        return [self._sentence_quote(ranking.reader, p.rows, p.score) for p in picked]

    def search(self, query: str, top_k: int | None = None) -> tuple[str, list[Quote]]:
        """Cited passages only; returns (index version, passages)."""
        query = self.clean_question(query)
        k = self._top_k(top_k)
        reader = self.live.current()
        hits = retrieve(reader, Question.read(query, reader, self.embed_question(query)))
        return reader.version, [self._chunk_quote(reader, h.row, h.score) for h in hits[:k]]

    def documents(self) -> tuple[str, list[DocumentInfo]]:
        reader = self.live.current()
        infos = [
            DocumentInfo(_ref(d), len(reader.chunk_rows(d.id)), d.content_hash)
            for d in sorted(reader.documents.values(), key=lambda d: d.path)
        ]
        return reader.version, infos

    def document(self, document_id: str) -> tuple[str, Document]:
        reader = self.live.current()
        try:
            return reader.version, reader.documents[document_id]
        except KeyError as exc:
            raise DocumentNotFound(f"no document with id {document_id!r}") from exc

    def _sentence_quote(self, reader: IndexVersion, rows: tuple[int, ...], score: float) -> Quote:
        """One sentence, or adjacent sentences quoted with the text between them."""
        sentences = [reader.sentences[row] for row in rows]
        document = reader.documents[sentences[0].document_id]
        for s in sentences:
            _check_span(document, s.start, s.end, s.text)
        start, end = sentences[0].start, sentences[-1].end
        return _verified(document, start, end, document.text[start:end], score)

    def _chunk_quote(self, reader: IndexVersion, row: int, score: float) -> Quote:
        c = reader.chunks[row]
        return _verified(reader.documents[c.document_id], c.start, c.end, c.text, score)


def _ref(document: Document) -> DocumentRef:
    return DocumentRef(document.id, document.title, document.source)


def _check_span(document: Document, start: int, end: int, text: str) -> None:
    """A quote is only ever the document's own text at its span."""
    if document.text[start:end] != text:
        raise AssertionError(f"quote span {start}:{end} does not match document {document.id}")


def _verified(document: Document, start: int, end: int, text: str, score: float) -> Quote:
    _check_span(document, start, end, text)
    section = document.section_at(start)
    return Quote(
        text,
        round(float(score), 4),
        start,
        end,
        _ref(document),
        document.page_at(start),
        section=section.label if section else "",
        anchor=section.anchor if section else "",
    )
