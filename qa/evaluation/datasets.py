"""Question sets to measure against: WikiQA TSV (its documents become a corpus) or JSONL."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from qa.corpus.loader import document_id


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    expected: tuple[str, ...]  # answer sentences (WikiQA) or facts (JSONL); empty: no answer
    gold_document: str | None = None  # document id, when known
    exact_sentence: bool = True  # WikiQA: the quote must contain a whole expected sentence


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
