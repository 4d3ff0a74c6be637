"""What reading absent names (qa.answer.names) costs an answer, in process.

Ranks WikiQA dev questions with the service, alternating rounds with the names check and
with it replaced by one that finds nothing, and times the check itself.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.names_cost [--questions 150] [--rounds 2]
        [--workdir DIR]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from harness.reproduce import print_reproduce
from qa.answer import names
from qa.evaluation.datasets import prepare_question_set
from qa.runtime import Runtime, build_embedder
from qa.settings import Settings

BENCH = Path(__file__).resolve().parent


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", type=Path, default=BENCH / "data" / "wikiqa-dev.tsv")
    parser.add_argument("--questions", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workdir", type=Path, help="keep the WikiQA index here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qa-names-cost-") as tmp:
        work = args.workdir or Path(tmp)
        settings = Settings(_env_file=None, torch_threads=1)
        embedder = build_embedder(settings)
        qset, asked = prepare_question_set(args.tsv, work / args.tsv.stem, settings, embedder)
        service = Runtime.build(asked, embedder).service
        questions = [q.question for q in qset.questions][: args.questions]
        for question in questions[:10]:
            service.rank(question)  # warm
        real = names.absent_names
        checks: list[float] = []

        def timed_check(question, reader, unseen):
            started = time.perf_counter()
            found = real(question, reader, unseen)
            checks.append((time.perf_counter() - started) * 1000)
            return found

        def ranks() -> list[float]:
            out = []
            for question in questions:
                started = time.perf_counter()
                service.rank(question)
                out.append((time.perf_counter() - started) * 1000)
            return out

        try:
            for round_ in range(args.rounds):
                names.absent_names = timed_check
                with_names = ranks()
                names.absent_names = lambda *_: []
                without = ranks()
                print(f"round {round_ + 1}: rank with the names check median "
                      f"{statistics.median(with_names):.1f} ms (p95 {_p95(with_names):.1f}), "
                      f"without {statistics.median(without):.1f} ms (p95 {_p95(without):.1f})")  # fmt: skip
        finally:
            names.absent_names = real
    print(f"the check itself, {len(checks)} calls: median {statistics.median(checks):.2f} ms, "
          f"p95 {_p95(checks):.2f} ms, max {max(checks):.2f} ms")  # fmt: skip
    print_reproduce(__spec__.name, one_thread=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
