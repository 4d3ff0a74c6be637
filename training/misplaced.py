"""How often a question names something its quote's document mentions only far from the
quote (qa.answer.misplaced), per question set; the confidence's ceiling when it does,
fitted on training data; and what that ceiling costs and catches.

WikiQA's and XQuAD's documents are single paragraphs, where nothing is far from the quote.
So the check is measured on long documents: every article of the SQuAD training fragments
(the fit: the ceiling is the share of those it fires on that are right at the top,
(right + 1) / (fired + 2)) and every XQuAD dev article, each written as one document of
blank-line-separated paragraphs. Then on the paragraph-per-document dev sets and the
article's question sets (asked of an index of ``corpus/``), where it should fire on
outside questions only. For each: questions, how often it fires, how many of those are
right at the top, and the questions answered at ``QA_MIN_CONFIDENCE`` with the shipped
ceiling and without it.

    .venv/bin/python -m bench.misplaced_names [--workdir DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.workspace import article_index
from harness.reproduce import print_reproduce
from qa.answer import confidence
from qa.build.build import build_index
from qa.evaluation.datasets import EvalQuestion, prepare_question_set
from qa.evaluation.metrics import sentence_right
from qa.runtime import Runtime, build_embedder
from qa.settings import Settings

BENCH = Path(__file__).resolve().parent
LONG = ("data/squad-train-fragments.jsonl", "data/xquad-en-dev.json")  # the fit first
SETS = (
    "data/wikiqa-dev.tsv",
    "data/xquad-en-dev.json",
    "article_questions.jsonl",
    "article_check.jsonl",
    "article_check_2.jsonl",
    "out_of_corpus.jsonl",
    "out_of_corpus_check.jsonl",
    "out_of_corpus_check_2.jsonl",
    "out_of_corpus_substituted.jsonl",
)


@dataclass
class Tally:
    questions: int = 0
    fired: int = 0
    fired_right: int = 0  # fired, and the top sentence holds the answer
    right_answered: int = 0  # right at the top and answered, with the shipped ceiling
    right_answered_without: int = 0  # ... without it
    wrong_answered: int = 0  # wrong or unanswerable, and answered, with the ceiling
    wrong_answered_without: int = 0


def tally(settings: Settings, embedder, questions: list[EvalQuestion]) -> Tally:
    """Ask every question of the index ``settings`` names and count the check's effect."""
    service = Runtime.build(settings, embedder).service
    bar = settings.min_confidence
    out = Tally()
    for item in questions:
        ranking = service.rank(item.question)
        found = ranking.evidence
        if found is None:
            continue
        right = bool(item.expected) and sentence_right(item, ranking.reader, ranking.ranked[0].row)
        plain = confidence.confidence(dataclasses.replace(found, misplaced=0.0))
        out.questions += 1
        out.fired += bool(found.misplaced)
        out.fired_right += bool(found.misplaced) and right
        if right:
            out.right_answered += ranking.confidence >= bar
            out.right_answered_without += plain >= bar
        else:
            out.wrong_answered += ranking.confidence >= bar
            out.wrong_answered_without += plain >= bar
    return out


def row(name: str, t: Tally) -> str:
    cells = [name, t.questions, t.fired, t.fired_right,
             f"{t.right_answered_without} to {t.right_answered}",
             f"{t.wrong_answered_without} to {t.wrong_answered}"]  # fmt: skip
    return "| " + " | ".join(map(str, cells)) + " |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="keep the corpora and indexes here")
    args = parser.parse_args()
    print("| set | questions | fired | of those right at the top "
          "| right and answered (without the check to with it) | wrong or outside, answered |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory(prefix="qa-misplaced-") as tmp:
        work = args.workdir or Path(tmp)
        settings = Settings(_env_file=None, corpus_dir=BENCH.parent / "corpus",
                            index_dir=work / "article")  # fmt: skip
        embedder = build_embedder(settings)
        fitted = None
        for name in LONG:
            path = BENCH / name
            if not path.is_file():
                continue
            questions, asked = article_index(path, work, settings, embedder)
            found = tally(asked, embedder, questions)
            fitted = fitted or found
            print(row(f"{path.stem}, whole articles", found))
        build_index(settings, embedder)
        for name in SETS:
            path = BENCH / name
            if not path.is_file():
                print(f"| {name} | missing: bench/data/README.md says where to get it |")
                continue
            qset, asked = prepare_question_set(path, work / path.stem, settings, embedder)
            print(row(path.stem, tally(asked, embedder, qset.questions)))
    if fitted is not None:
        ceiling = (fitted.fired_right + 1) / (fitted.fired + 2)
        print(f"ceiling fitted on {LONG[0]}: ({fitted.fired_right} + 1) / ({fitted.fired} + 2) "
              f"= {ceiling:.4f}; shipped: {confidence.MISPLACED}")  # fmt: skip
    print_reproduce(__spec__.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
