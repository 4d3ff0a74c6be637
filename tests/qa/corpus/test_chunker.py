"""Chunks: verbatim spans that cover the whole document and overlap their neighbours."""

from __future__ import annotations

import pytest

from harness.corpora import ARTICLE, SHIPPED_CORPUS
from qa.corpus.chunker import Chunker, chunk_id
from qa.corpus.loader import load_bytes


@pytest.fixture(scope="module")
def article():
    return load_bytes(ARTICLE, (SHIPPED_CORPUS / ARTICLE).read_bytes())


@pytest.mark.parametrize(("size", "overlap"), [(800, 100), (300, 50), (150, 0)])
def test_chunks_are_exact_spans_that_cover_the_text(article, size, overlap):
    chunks = Chunker(size, overlap).split(article)

    assert len(chunks) > 1
    covered = [False] * len(article.text)
    for chunk in chunks:
        assert article.text[chunk.start : chunk.end] == chunk.text
        assert chunk.document_id == article.id
        assert len(chunk.text) <= size
        covered[chunk.start : chunk.end] = [True] * (chunk.end - chunk.start)
    assert all(covered[i] for i, ch in enumerate(article.text) if not ch.isspace())
    starts = [c.start for c in chunks]
    assert starts == sorted(starts)


def test_a_long_paragraph_is_cut_into_overlapping_chunks():
    """Overlap carries context across a cut inside a paragraph (paragraphs that fit a
    chunk are cut at their blank lines, where the splitter adds no overlap)."""
    text = " ".join(f"Sentence {i} talks about coca and mining in Peru." for i in range(40))
    doc = load_bytes("long.txt", text.encode())

    chunks = Chunker(300, 80).split(doc)

    assert len(chunks) > 3
    for a, b in zip(chunks, chunks[1:]):
        assert 0 < a.end - b.start <= 80
        assert doc.text[b.start : a.end] == a.text[b.start - a.start :]


def test_no_overlap_means_disjoint_chunks(article):
    chunks = Chunker(300, 0).split(article)

    assert all(b.start >= a.end for a, b in zip(chunks, chunks[1:]))


def test_a_text_with_no_spaces_is_still_cut_into_exact_spans():
    doc = load_bytes("dna.txt", b"ACGT" * 200)

    chunks = Chunker(100, 10).split(doc)

    assert all(doc.text[c.start : c.end] == c.text for c in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(doc.text)


def test_repeated_paragraphs_get_their_own_spans():
    """Identical text at two places must not be cited at the first place twice."""
    para = "The same paragraph about coca production in Peru, repeated word for word."
    doc = load_bytes("r.txt", f"{para}\n\n{para}\n\n{para}\n".encode())

    chunks = Chunker(100, 0).split(doc)

    assert [c.start for c in chunks] == [0, len(para) + 2, 2 * (len(para) + 2)]
    assert len({c.id for c in chunks}) == 1  # content-derived: same text, same id


def test_chunk_ids_depend_on_document_and_text():
    assert chunk_id("d1", "text") == chunk_id("d1", "text")
    assert chunk_id("d1", "text") != chunk_id("d2", "text")
    assert chunk_id("d1", "text") != chunk_id("d1", "text!")


def test_overlap_must_be_smaller_than_the_chunk():
    with pytest.raises(ValueError, match=r"chunk_overlap \(200\).*chunk_size \(200\)"):
        Chunker(200, 200)
