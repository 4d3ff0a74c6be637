"""How often a question names something its corpus never mentions, per question set.

A capitalised word after the first word of a question is taken for a name; it is
"absent" when none of its analysed terms (qa.index.lexical.analyze) occurs anywhere in
the corpus the question is asked of. For each set this prints how many questions name
an absent word and how many of those are answerable: the evidence for (or against)
refusing such questions, which the fitted confidence does not do today.

    .venv/bin/python -m bench.absent_names
"""

from __future__ import annotations

import json
import re
import shlex
import sys
import tempfile
from pathlib import Path

from qa.evaluation.datasets import load_squad, load_wikiqa
from qa.index.lexical import analyze

BENCH = Path(__file__).resolve().parent
NAME = re.compile(r"\b[A-Z][\w'’-]*")
ARTICLE_SETS = ("article_questions", "article_check", "out_of_corpus", "out_of_corpus_check")


def vocabulary(folder: Path) -> set[str]:
    return {t for p in folder.rglob("*") if p.is_file() for t in analyze(p.read_text("utf-8"))}


def absent_names(question: str, vocab: set[str]) -> list[str]:
    words = NAME.findall(question)
    if words and question.startswith(words[0]):
        words = words[1:]  # the first word is capitalised anyway
    return [w for w in words if (terms := analyze(w)) and not any(t in vocab for t in terms)]


def main() -> int:
    sets: list[tuple[str, list[tuple[str, bool]], set[str]]] = []
    with tempfile.TemporaryDirectory(prefix="qa-names-") as tmp:
        wikiqa = load_wikiqa(BENCH / "data" / "wikiqa-dev.tsv", Path(tmp) / "wikiqa")
        sets.append(("WikiQA dev", [(q.question, bool(q.expected)) for q in wikiqa],
                     vocabulary(Path(tmp) / "wikiqa")))  # fmt: skip
        xquad = load_squad(BENCH / "data" / "xquad-en-dev.json", Path(tmp) / "xquad")
        sets.append(("XQuAD dev", [(q.question, True) for q in xquad],
                     vocabulary(Path(tmp) / "xquad")))  # fmt: skip
    article = vocabulary(BENCH.parent / "corpus")
    for name in ARTICLE_SETS:
        rows = [json.loads(line) for line in (BENCH / f"{name}.jsonl").read_text().splitlines()]
        sets.append((name, [(r["question"], bool(r.get("expected"))) for r in rows], article))

    print("| set | questions | name an absent word | of those answerable | examples |")
    print("| --- | --- | --- | --- | --- |")
    for name, questions, vocab in sets:
        flagged = [(q, answerable, absent_names(q, vocab)) for q, answerable in questions]
        flagged = [f for f in flagged if f[2]]
        examples = "; ".join(f"{', '.join(words)} ({'answerable' if a else 'no answer'})"
                             for _, a, words in flagged[:4])  # fmt: skip
        print(f"| {name} | {len(questions)} | {len(flagged)} | "
              f"{sum(a for _, a, _ in flagged)} | {examples} |")  # fmt: skip
    print("reproduce:", shlex.join([".venv/bin/python", "-m", __spec__.name, *sys.argv[1:]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
