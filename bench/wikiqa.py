"""Open-corpus quality on WikiQA: index every document, ask every question, score the top quote.

Prints build time, acc@1, acc@3, MRR, document hit@k, the plain dense baseline measured
in the same run, and the coverage/accuracy curve used to choose the abstention default.

    .venv/bin/python -m bench.wikiqa [--tsv bench/data/wikiqa-dev.tsv] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench.workspace import wikiqa_index
from harness.reproduce import print_reproduce
from qa.evaluation.metrics import evaluate
from qa.evaluation.report import reliability_table, threshold_table

THRESHOLDS = [0.0, 0.02, 0.04, 0.06, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tsv", type=Path, default=Path("bench/data/wikiqa-dev.tsv"))
    parser.add_argument("--workdir", type=Path, help="keep the corpus and index here")
    parser.add_argument("--report", type=Path, help="per-question JSON lines")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wikiqa-") as tmp:
        work = args.workdir or Path(tmp)
        wikiqa = wikiqa_index(args.tsv, work, full=True)
        build = wikiqa.build
        report = evaluate(wikiqa.service(), wikiqa.questions)
    if args.report:
        report.write(args.report)
    print(
        f"index: {build.documents} documents, {build.chunks} chunks, "
        f"{build.sentences} sentences, full build {build.seconds:.1f} s"
    )
    print(json.dumps(report.summary(), indent=2))
    print("\n".join(threshold_table(report, THRESHOLDS)))
    print("\n".join(reliability_table(report)))
    print_reproduce(__spec__.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
