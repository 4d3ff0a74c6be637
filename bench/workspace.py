"""The WikiQA set as the benchmarks use it: its documents as a corpus, indexed, ready to ask."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qa.answer.service import AnswerService
from qa.build.build import BuildReport, build_index
from qa.build.contents import split_document
from qa.corpus.chunker import Chunker
from qa.corpus.loader import load_corpus
from qa.evaluation.datasets import EvalQuestion, load_wikiqa
from qa.index.views import chunk_input, sentence_views
from qa.model.embedder import SentenceTransformerEmbedder
from qa.runtime import Runtime, build_embedder
from qa.settings import Settings


@dataclass
class WikiQAIndex:
    questions: list[EvalQuestion]
    settings: Settings
    embedder: SentenceTransformerEmbedder
    build: BuildReport

    def service(self) -> AnswerService:
        return Runtime.build(self.settings, self.embedder).service


def wikiqa_index(tsv: Path, work: Path, full: bool = False) -> WikiQAIndex:
    """Write the TSV's documents under ``work/corpus`` and index them into ``work/index``."""
    questions = load_wikiqa(tsv, work / "corpus")
    settings = Settings(corpus_dir=work / "corpus", index_dir=work / "index", _env_file=None)
    embedder = build_embedder(settings)
    return WikiQAIndex(questions, settings, embedder, build_index(settings, embedder, full=full))


def wikiqa_texts(tsv: Path, work: Path) -> tuple[list[EvalQuestion], list[str]]:
    """The questions, and every distinct text a full build of the WikiQA corpus embeds
    (chunks and each sentence view, as qa.build.build makes them), in build order."""
    questions = load_wikiqa(tsv, work / "corpus")
    settings = Settings(corpus_dir=work / "corpus", index_dir=work / "index", _env_file=None)
    documents, _ = load_corpus(settings.corpus_dir)
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    texts: list[str] = []
    for doc in documents:
        chunks, sentences = split_document(doc, chunker)
        texts += [chunk_input(doc, c) for c in chunks]
        for view in sentence_views(doc, sentences).values():
            texts += view
    return questions, list(dict.fromkeys(texts))
