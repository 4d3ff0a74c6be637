"""Question sets to measure against: WikiQA TSV and SQuAD-format JSON (their documents
become a corpus), or JSONL questions about an existing index."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from qa.build.build import build_index
from qa.corpus.loader import document_id
from qa.model.embedder import Embedder
from qa.settings import Settings


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    expected: tuple[str, ...]  # answer sentences (WikiQA) or facts (JSONL); empty: no answer
    gold_document: str | None = None  # document id, when known
    exact_sentence: bool = True  # WikiQA: the quote must contain a whole expected sentence
    answer_span: tuple[int, int] | None = None  # SQuAD: the answer's span in gold_document


@dataclass(frozen=True)
class QuestionSet:
    name: str
    questions: list[EvalQuestion]
    corpus: Path | None  # the corpus the set wrote, to be indexed; None: ask the configured index


def prepare_question_set(
    path: Path, work: Path, settings: Settings, embedder: Embedder, progress: bool = False
) -> tuple[QuestionSet, Settings]:
    """Load a question set; when it brings its own documents, index them under ``work``.

    Returns the set and the settings to answer it with (the configured index for JSONL).
    """
    qset = load_question_set(path, work)
    if qset.corpus is not None:
        settings = settings.model_copy(
            update={"corpus_dir": qset.corpus, "index_dir": work / "index"}
        )
        build_index(settings, embedder, progress=progress)
    return qset, settings


def load_question_set(path: Path, work: Path) -> QuestionSet:
    """By file type: WikiQA ``.tsv`` or SQuAD ``.json`` (written as a corpus under ``work``),
    or ``.jsonl`` questions; ValueError when the file is not what its name says."""
    suffix = path.suffix.lower()
    if suffix == ".tsv":
        return QuestionSet(path.stem, load_wikiqa(path, work / "corpus"), work / "corpus")
    if suffix == ".json":
        return QuestionSet(path.stem, load_squad(path, work / "corpus"), work / "corpus")
    return QuestionSet(path.stem, load_jsonl(path), None)


def load_wikiqa(path: Path, corpus: Path) -> list[EvalQuestion]:
    """Write every WikiQA document into ``corpus`` as a text file; return the questions."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or "Sentence" not in rows[0]:
        raise ValueError(f"{path} is not a WikiQA TSV (QuestionID, Question, ..., Label)")
    docs: dict[str, tuple[str, dict[int, str]]] = {}
    questions: dict[str, tuple[str, str, list[str]]] = {}
    for row in rows:
        title, sentences = docs.setdefault(row["DocumentID"], (row["DocumentTitle"], {}))
        sentences[int(row["SentenceID"].rsplit("-", 1)[1])] = row["Sentence"]
        q = questions.setdefault(row["QuestionID"], (row["Question"], row["DocumentID"], []))
        if row["Label"] == "1":
            q[2].append(row["Sentence"])
    corpus.mkdir(parents=True, exist_ok=True)
    for doc, (title, sentences) in docs.items():
        body = " ".join(sentences[i] for i in sorted(sentences))
        (corpus / f"{doc}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return [
        EvalQuestion(qid, text, tuple(gold), document_id(f"{doc}.txt"))
        for qid, (text, doc, gold) in questions.items()
    ]


def load_squad(path: Path, corpus: Path) -> list[EvalQuestion]:
    """Write every SQuAD paragraph into ``corpus`` as a text file titled with its article;
    return the questions, each with its answer's character span in that document."""
    try:
        articles = json.loads(path.read_text(encoding="utf-8"))["data"]
        corpus.mkdir(parents=True, exist_ok=True)
        out = []
        for a, article in enumerate(articles):
            header = article["title"].replace("_", " ") + "\n\n"
            for p, paragraph in enumerate(article["paragraphs"]):
                name = f"{a:03d}-{p:03d}.txt"
                (corpus / name).write_text(header + paragraph["context"] + "\n", encoding="utf-8")
                for qa in paragraph["qas"]:
                    answer = qa["answers"][0]
                    start = len(header) + int(answer["answer_start"])
                    span = (start, start + len(answer["text"]))
                    answer_text = (answer["text"],)
                    out.append(
                        EvalQuestion(
                            qa["id"],
                            qa["question"],
                            answer_text,
                            document_id(name),
                            exact_sentence=False,
                            answer_span=span,
                        )
                    )
    except (json.JSONDecodeError, KeyError, TypeError, IndexError, ValueError) as exc:
        raise ValueError(
            f"{path} is not SQuAD-format JSON (data[].paragraphs[].qas[]): {exc!r}"
        ) from exc
    return out


def load_jsonl(path: Path) -> list[EvalQuestion]:
    """Lines of {"question": str, "expected": str | [str], "id": optional}."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            expected = item.get("expected") or []
            expected = (expected,) if isinstance(expected, str) else tuple(expected)
            out.append(EvalQuestion(str(item.get("id", n)), item["question"], expected, None))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}:{n}: expected {{'question', 'expected'}}: {exc}") from exc
    return out
