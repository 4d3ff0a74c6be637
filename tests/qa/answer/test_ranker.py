"""Quotes: verbatim at their span, real sentences, ranked, and cited with their page."""

from __future__ import annotations

import pytest

from qa.answer.ranker import is_quotable
from tests.support.pdfbytes import pdf_with_pages
from tests.support.settings import make_settings

QUESTIONS = [
    "How many hectares of coca were under cultivation in 2019?",
    "Who leads DEVIDA?",
    "Who wrote the article?",
    "What are the PIAS?",
    "Which branch of Sendero Luminoso operates in the VRAEM?",
    "How did the pandemic affect illegal mining?",
    "coca",
    "What is the capital of Australia?",
    "When was the COIEC unit ambushed?",
    "What does CIAS stand for?",
]
# Lines of the shipped article that are not sentences: a reader would not quote them.
NOT_SENTENCES = [
    "Author",
    "Scroll to Top",
    "Read more >",
    "[Español]",
    "Conclusion",
    "More Commentary",
    "The impact of COVID-19",
    "The Peruvian Armed Forces response",
    "VRAEM region in Peru, photo credit: Defense Ministry of Peru",
]


@pytest.mark.parametrize("text", NOT_SENTENCES)
def test_headings_bylines_and_crumbs_are_not_quotable(text):
    assert not is_quotable(text)


@pytest.mark.parametrize(
    "text",
    [
        "Nonetheless, since 2016, coca production has begun to re-emerge in that region as well.",
        "Is the eradication effort working?",
        "The report lists three causes:",
        "a long list item without a final stop that still reads like a sentence of prose here",
        "“DEVIDA began manual eradication in 2019.”",
    ],
)
def test_real_sentences_are_quotable(text):
    assert is_quotable(text)


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_quote_and_passage_is_the_documents_own_text(service, question):
    answer = service.ask(question, top_k=5)

    for quote in answer.quotes + answer.passages:
        _, document = service.document(quote.document.id)
        assert document.text[quote.start : quote.end] == quote.text
        assert quote.document.title == document.title
        assert quote.document.source == document.source
    assert (answer.outcome != "not_found") == bool(answer.quotes)  # a hedged answer quotes too
    assert answer.answered == (answer.outcome == "answered")
    assert len(answer.quotes) <= service.settings.max_quotes
    scores = [q.score for q in answer.quotes]
    assert scores == sorted(scores, reverse=True)
    assert len({q.text for q in answer.quotes}) == len(answer.quotes)
    assert all(is_quotable(q.text) for q in answer.quotes), [q.text for q in answer.quotes]


@pytest.mark.parametrize("question", ["Scroll to Top", "Conclusion", "More Commentary", "Español"])
def test_a_question_matching_a_heading_never_gets_the_heading_as_a_quote(service, question):
    answer = service.ask(question)

    assert all(is_quotable(q.text) for q in answer.quotes), [q.text for q in answer.quotes]


def test_quotes_from_a_pdf_carry_their_page_and_markdown_keeps_offsets(tmp_path, embedder):
    from qa.build.build import build_index
    from qa.runtime import Runtime

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ops.pdf").write_bytes(
        pdf_with_pages(
            "The navy deployed three riverboats on the Putumayo River in 2020.",
            "The army destroyed forty one illegal gold mining camps in La Pampa.",
        )
    )
    (corpus / "notes.md").write_text(
        "---\ntitle: Field notes\nurl: https://example.org/notes\n---\n"
        "# Field notes\n\nThe counterdrug agency DEVIDA is led by Ruben Vargas.\n",
        encoding="utf-8",
    )
    settings = make_settings(corpus, tmp_path / "index")
    build_index(settings, embedder)
    service = Runtime.build(settings, embedder).service

    mining = service.ask("How many illegal gold mining camps were destroyed in La Pampa?")
    top = mining.quotes[0]
    assert "forty one illegal gold mining camps" in top.text
    assert top.page == 2 and top.document.source == "ops.pdf"

    boats = service.ask("How many riverboats did the navy deploy?")
    assert boats.quotes[0].page == 1

    devida = service.ask("Who leads DEVIDA?").quotes[0]
    assert devida.text == "The counterdrug agency DEVIDA is led by Ruben Vargas."
    assert devida.document.source == "https://example.org/notes"
    assert devida.document.title == "Field notes" and devida.page is None
    raw = (corpus / "notes.md").read_text(encoding="utf-8")
    assert raw[devida.start : devida.end] == devida.text  # offsets are the file's own


def test_a_passage_repeated_in_two_reports_is_quoted_once(tmp_path, embedder):
    from qa.build.build import build_index
    from qa.runtime import Runtime

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    repeated = (
        "The smelter in Ilo processed 40 tonnes of copper concentrate in the first quarter. "
        "Output rose because the new furnace came online in February."
    )
    (corpus / "q1-report.txt").write_text(f"Quarterly report\n\n{repeated}\n", encoding="utf-8")
    (corpus / "q1-report-final.txt").write_text(
        "Quarterly report, final\n\n" + repeated.replace("40 tonnes", "42 tonnes") + "\n",
        encoding="utf-8",
    )
    (corpus / "safety.txt").write_text(
        "Safety\n\nThe smelter in Ilo recorded no lost-time accidents in the first quarter.\n",
        encoding="utf-8",
    )
    build_index(make_settings(corpus, tmp_path / "index"), embedder)
    service = Runtime.build(make_settings(corpus, tmp_path / "index"), embedder).service

    answer = service.ask("How much copper concentrate did the Ilo smelter process?")

    assert answer.answered
    reports = [q for q in answer.quotes if q.document.source.startswith("q1-report")]
    assert len(reports) == 1, [q.text for q in answer.quotes]
    assert "tonnes of copper concentrate" in reports[0].text


def test_a_long_document_offers_only_the_sentences_of_its_retrieved_chunks(tmp_path, monkeypatch):
    from qa.answer import ranker
    from qa.answer.retriever import ChunkHit
    from qa.build.build import build_index
    from qa.runtime import Runtime
    from tests.support.embedders import FakeEmbedder
    from tests.support.settings import corpus_settings

    paragraphs = [
        f"Site {n} lies on river {n}. It produced {n} tonnes of ore in 2019. Its mine employs "
        f"{n * 10} people."
        for n in range(1, 31)
    ]
    settings = corpus_settings(tmp_path, {"long.txt": "Mines\n\n" + "\n\n".join(paragraphs)})
    build_index(settings, FakeEmbedder())
    reader = Runtime.build(settings, FakeEmbedder()).live.current()
    (document_id,) = reader.documents
    sentences = reader.sentence_rows(document_id)
    chunk = reader.chunks[reader.chunk_rows(document_id)[3]]
    hits = [ChunkHit(reader.chunk_rows(document_id)[3], 1.0, 0.5, 0.0)]
    inside = [
        r
        for r in sentences
        if reader.sentences[r].start < chunk.end and chunk.start < reader.sentences[r].end
    ]

    monkeypatch.setattr(ranker, "WHOLE_DOCUMENT", len(sentences))
    assert ranker._offered(reader, document_id, hits) == sentences  # not long: every sentence
    monkeypatch.setattr(ranker, "WHOLE_DOCUMENT", len(sentences) - 1)
    offered = ranker._offered(reader, document_id, hits)
    assert offered == inside and 0 < len(offered) < len(sentences)
