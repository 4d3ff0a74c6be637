"""What a long document costs an answer: ranking with every sentence of the best documents
as a candidate against the shipped cap (qa.answer.ranker.WHOLE_DOCUMENT), in one run.

Writes each article of the SQuAD training fragments as one document (15 documents of 106
to 428 sentences; harness/articles.py's article_index, reused from ``--workdir``),
then ranks every ``--every``-th question in process, in rounds alternating no cap and the
cap, and prints per round the rank median, how many are right at the top, and how many
are answered at ``QA_MIN_CONFIDENCE`` and right.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.long_documents [--every 4] [--rounds 2]
        [--workdir DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness.articles import article_index
from harness.reproduce import print_reproduce
from qa.answer import ranker
from qa.evaluation.metrics import sentence_right
from qa.runtime import Runtime, build_embedder
from qa.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=4, help="ask every N-th question")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workdir", type=Path, help="keep the corpus and index here")
    args = parser.parse_args()
    source = Path(__file__).resolve().parent / "data" / "squad-train-fragments.jsonl"
    if not source.is_file():
        sys.exit(f"{source} not found; bench/data/README.md says where to get it")
    with tempfile.TemporaryDirectory(prefix="qa-long-") as tmp:
        base = Settings(_env_file=None, torch_threads=1)
        embedder = build_embedder(base)
        questions, settings = article_index(source, args.workdir or Path(tmp), base, embedder)
        questions = questions[:: args.every]
        service = Runtime.build(settings, embedder).service
        reader = service.live.current()
        lengths = sorted(len(reader.sentence_rows(d)) for d in reader.documents)
        print(f"{len(lengths)} documents of {lengths[0]} to {lengths[-1]} sentences; "
              f"{len(questions)} questions; cap {ranker.WHOLE_DOCUMENT} sentences")  # fmt: skip
        shipped = ranker.WHOLE_DOCUMENT
        for round_ in range(args.rounds):
            for label, cap in (("every sentence", sys.maxsize), ("shipped cap", shipped)):
                ranker.WHOLE_DOCUMENT = cap
                times, right, answered_right = [], 0, 0
                for item in questions:
                    started = time.perf_counter()
                    ranking = service.rank(item.question)
                    times.append((time.perf_counter() - started) * 1000)
                    ok = bool(ranking.ranked) and sentence_right(
                        item, ranking.reader, ranking.ranked[0].row
                    )
                    right += ok
                    answered_right += ok and ranking.confidence >= settings.min_confidence
                print(f"round {round_ + 1}, {label:14s}: rank median {statistics.median(times):.1f} ms, "
                      f"right at the top {right}, answered and right {answered_right}")  # fmt: skip
        ranker.WHOLE_DOCUMENT = shipped
    print_reproduce(__spec__.name, one_thread=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
