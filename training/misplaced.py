"""Fit the confidence's ceiling for misplaced names (``MISPLACED`` in qa/answer/confidence.py).

A question that names something its quote's document mentions only far from the quote
(qa.answer.misplaced) is mostly answered with a sentence about another place or party. The
ceiling is the share right at the top among the questions the check fires on in training
data, every article of the SQuAD training fragments written as one document of
blank-line-separated paragraphs, smoothed as (right + 1) / (fired + 2). WikiQA's and
XQuAD's documents are single paragraphs, where nothing is far from the quote, so they
cannot fit it. ``bench.misplaced_names`` measures what the ceiling costs and catches on
XQuAD's whole articles and on every question set.

    .venv/bin/python -m training.misplaced [--workdir DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.articles import article_index
from harness.reproduce import print_reproduce
from qa.answer import confidence
from qa.evaluation.datasets import EvalQuestion
from qa.evaluation.metrics import sentence_right
from qa.runtime import Runtime, build_embedder
from qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FRAGMENTS = ROOT / "bench" / "data" / "squad-train-fragments.jsonl"
HEADER = (
    "| set | questions | fired | of those right at the top "
    "| right and answered (without the check to with it) | wrong or outside, answered |\n"
    "| --- | --- | --- | --- | --- | --- |"
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

    def ceiling(self) -> float:
        """The share right at the top among the questions the check fires on, smoothed."""
        return (self.fired_right + 1) / (self.fired + 2)


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
    """One line of the table under ``HEADER``."""
    cells = [
        name,
        t.questions,
        t.fired,
        t.fired_right,
        f"{t.right_answered_without} to {t.right_answered}",
        f"{t.wrong_answered_without} to {t.wrong_answered}",
    ]
    return "| " + " | ".join(map(str, cells)) + " |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=FRAGMENTS, help="SQuAD-format articles")
    parser.add_argument("--workdir", type=Path, help="keep the corpus and index here")
    args = parser.parse_args()
    if not args.data.is_file():
        parser.error(f"{args.data} not found")
    with tempfile.TemporaryDirectory(prefix="qa-misplaced-fit-") as tmp:
        work = args.workdir or Path(tmp)
        settings = Settings(_env_file=None, corpus_dir=ROOT / "corpus", index_dir=work / "article")
        embedder = build_embedder(settings)
        questions, asked = article_index(args.data, work, settings, embedder)
        found = tally(asked, embedder, questions)
    print(HEADER)
    print(row(f"{args.data.stem}, whole articles", found))
    print(
        f"ceiling: ({found.fired_right} + 1) / ({found.fired} + 2); shipped {confidence.MISPLACED}"
    )
    print(f"MISPLACED = {found.ceiling():.3f}")
    print_reproduce(__spec__.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
