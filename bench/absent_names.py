"""How often a question names something its corpus never mentions, per question set.

A capitalised word after the first word of a question is taken for a name
(qa.answer.names); it is "absent" when none of its analysed terms (qa.index.lexical)
occurs anywhere in the corpus the question is asked of, and "absent in any spelling" when
no corpus term is spelled like it either (the rule the confidence reads). For each set
this prints how many questions name an absent word, and how many of those are
answerable: the evidence for (or against) reading it as "not in these documents".

    .venv/bin/python -m bench.absent_names
"""

from __future__ import annotations

import bisect
import json
import tempfile
from pathlib import Path

from harness.reproduce import print_reproduce
from qa.answer import names
from qa.evaluation.datasets import load_squad, load_wikiqa
from qa.index.lexical import analyze

BENCH = Path(__file__).resolve().parent
ARTICLE_SETS = ("article_questions", "article_check", "out_of_corpus", "out_of_corpus_check")


class Vocabulary:
    """A corpus's terms, answering ``terms_like`` as an index version does."""

    def __init__(self, folder: Path) -> None:
        files = (p for p in folder.rglob("*") if p.is_file())
        self.terms = sorted({t for p in files for t in analyze(p.read_text("utf-8"))})
        self.known = set(self.terms)

    def terms_like(self, term: str, spread: int) -> list[str]:
        start = bisect.bisect_left(self.terms, term[:1])
        end = bisect.bisect_left(self.terms, chr(ord(term[0]) + 1)) if term else start
        return [t for t in self.terms[start:end] if abs(len(t) - len(term)) <= spread]

    def absent(self, question: str, any_spelling: bool) -> list[str]:
        unseen = {t for t in analyze(question) if t not in self.known}
        if any_spelling:
            return names.absent_names(question, self, unseen)  # type: ignore[arg-type]
        return [w for w in names.names(question)
                if (terms := analyze(w)) and all(t in unseen for t in terms)]  # fmt: skip


def main() -> int:
    sets: list[tuple[str, list[tuple[str, bool]], Vocabulary]] = []
    with tempfile.TemporaryDirectory(prefix="qa-names-") as tmp:
        wikiqa = load_wikiqa(BENCH / "data" / "wikiqa-dev.tsv", Path(tmp) / "wikiqa")
        sets.append(("WikiQA dev", [(q.question, bool(q.expected)) for q in wikiqa],
                     Vocabulary(Path(tmp) / "wikiqa")))  # fmt: skip
        xquad = load_squad(BENCH / "data" / "xquad-en-dev.json", Path(tmp) / "xquad")
        sets.append(("XQuAD dev", [(q.question, True) for q in xquad],
                     Vocabulary(Path(tmp) / "xquad")))  # fmt: skip
    article = Vocabulary(BENCH.parent / "corpus")
    for name in ARTICLE_SETS:
        rows = [json.loads(line) for line in (BENCH / f"{name}.jsonl").read_text().splitlines()]
        sets.append((name, [(r["question"], bool(r.get("expected"))) for r in rows], article))

    print("| set | questions | name an absent word | of those answerable | in any spelling "
          "| of those answerable | examples (any spelling) |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, questions, vocab in sets:
        row = [name, str(len(questions))]
        for any_spelling in (False, True):
            flagged = [(a, w) for q, a in questions if (w := vocab.absent(q, any_spelling))]
            row += [str(len(flagged)), str(sum(a for a, _ in flagged))]
        examples = "; ".join(f"{', '.join(words)} ({'answerable' if a else 'no answer'})"
                             for a, words in flagged[:4])  # fmt: skip
        print("| " + " | ".join([*row, examples]) + " |")
    print_reproduce(__spec__.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
