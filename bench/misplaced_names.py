"""What the confidence's ceiling for misplaced names costs and catches, per question set.

A question that names something its quote's document mentions only far from the quote
(qa.answer.misplaced) has its confidence capped at ``MISPLACED`` (fitted by
``training.misplaced`` on the SQuAD training fragments). WikiQA's and XQuAD's documents are
single paragraphs, where nothing is far from the quote, so the check is measured on long
documents too: every article of the training fragments and of XQuAD dev written as one
document of blank-line-separated paragraphs. Then on the paragraph-per-document dev sets
and the article's question sets (asked of an index of ``corpus/``), where it should fire on
outside questions only. For each: questions, how often it fires, how many of those are
right at the top, and the questions answered at ``QA_MIN_CONFIDENCE`` with the shipped
ceiling and without it.

    .venv/bin/python -m bench.misplaced_names [--workdir DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from harness.articles import article_index
from harness.reproduce import print_reproduce
from qa.build.build import build_index
from qa.evaluation.datasets import prepare_question_set
from qa.runtime import build_embedder
from qa.settings import Settings
from training.misplaced import HEADER, row, tally

BENCH = Path(__file__).resolve().parent
LONG = ("data/squad-train-fragments.jsonl", "data/xquad-en-dev.json")
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="keep the corpora and indexes here")
    args = parser.parse_args()
    print(HEADER)
    with tempfile.TemporaryDirectory(prefix="qa-misplaced-") as tmp:
        work = args.workdir or Path(tmp)
        settings = Settings(
            _env_file=None, corpus_dir=BENCH.parent / "corpus", index_dir=work / "article"
        )
        embedder = build_embedder(settings)
        for name in LONG:
            path = BENCH / name
            questions, asked = article_index(path, work, settings, embedder)
            print(row(f"{path.stem}, whole articles", tally(asked, embedder, questions)))
        build_index(settings, embedder)
        for name in SETS:
            path = BENCH / name
            if not path.is_file():
                print(f"| {name} | missing: bench/data/README.md says where to get it |")
                continue
            qset, asked = prepare_question_set(path, work / path.stem, settings, embedder)
            print(row(path.stem, tally(asked, embedder, qset.questions)))
    print_reproduce(__spec__.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
