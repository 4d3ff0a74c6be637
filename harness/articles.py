"""SQuAD-format articles written as whole documents (their paragraphs one after another),
for checks that need long documents: WikiQA's and XQuAD's documents are single paragraphs."""

from __future__ import annotations

import json
from itertools import groupby
from pathlib import Path

from qa.build.build import build_index
from qa.corpus.loader import document_id
from qa.evaluation.datasets import EvalQuestion
from qa.model.embedder import SentenceTransformerEmbedder
from qa.settings import Settings


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
                out.append(
                    EvalQuestion(
                        qa["id"],
                        qa["question"],
                        (answer["text"],),
                        document_id(name),
                        exact_sentence=False,
                        answer_span=span,
                    )
                )
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
