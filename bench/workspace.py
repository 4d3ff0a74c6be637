"""The WikiQA set as the benchmarks use it: its documents as a corpus, indexed, ready to ask."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from qa.answer.service import AnswerService
from qa.build.build import BuildReport, build_index, split_document
from qa.corpus.chunker import Chunker
from qa.corpus.loader import document_id, load_corpus
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


def whole_articles(paragraphs: list[dict], corpus: Path) -> list[EvalQuestion]:
    """Write each article (SQuAD paragraphs sharing a title, in order) into ``corpus`` as one
    document, its paragraphs separated by blank lines; return the questions with their
    answers' spans in it."""
    corpus.mkdir(parents=True, exist_ok=True)
    out = []
    for a, (title, group) in enumerate(groupby(paragraphs, key=lambda p: p["title"])):
        name = f"{a:03d}.txt"
        text = title.replace("_", " ") + "\n\n"
        for paragraph in group:
            offset = len(text)
            text += paragraph["context"] + "\n\n"
            for qa in paragraph["qas"]:
                answer = qa["answers"][0]
                start = offset + int(answer["answer_start"])
                span = (start, start + len(answer["text"]))
                out.append(EvalQuestion(qa["id"], qa["question"], (answer["text"],),
                                        document_id(name), exact_sentence=False,
                                        answer_span=span))  # fmt: skip
        (corpus / name).write_text(text, encoding="utf-8")
    return out


def squad_paragraphs(path: Path) -> list[dict]:
    """The paragraphs of SQuAD JSON (XQuAD) or of JSONL fragments, each with its title."""
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    articles = json.loads(path.read_text("utf-8"))["data"]
    return [{"title": a["title"], **p} for a in articles for p in a["paragraphs"]]


def article_index(
    source: Path, work: Path, settings: Settings, embedder: SentenceTransformerEmbedder
) -> tuple[list[EvalQuestion], Settings]:
    """Write each article of the SQuAD-format ``source`` as one document under
    ``work/<stem>-articles/corpus`` and index it there; return the questions and
    ``settings`` pointed at that index."""
    folder = work / f"{source.stem}-articles"
    questions = whole_articles(squad_paragraphs(source), folder / "corpus")
    asked = settings.model_copy(
        update={"corpus_dir": folder / "corpus", "index_dir": folder / "index"}
    )
    build_index(asked, embedder)
    return questions, asked
