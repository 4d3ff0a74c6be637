"""A full build of the WikiQA dev corpus, locally and on Ray, in one run.

    .venv/bin/python -m bench.ray_build [--tsv /work/shared/bench/wikiqa-dev.tsv] [--runs 1]

Needs the ray extra (`pip install -e ".[dev,ray]"`). Each build starts from an empty
index (so every text is embedded) and includes loading its model: the local build loads
one copy, each Ray worker its own (the model converted for QA_BACKEND is made once, before
any build, and kept outside the index). Ray's start-up (a local instance with one CPU per core) is
timed on its own, and the Ray builds run inside that one instance, so their times leave
it out; a one-document Ray build shows the fixed cost of every Ray build (actors started,
a model loaded in each). Every build must make the same documents, chunks and sentences.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from qa.build import distributed
from qa.build.build import BuildReport, build_index
from qa.evaluation.datasets import load_wikiqa
from qa.runtime import build_embedder
from qa.settings import Settings

DEFAULT_TSV = Path("/work/shared/bench/wikiqa-dev.tsv")


def local_build(settings: Settings) -> BuildReport:
    """A plain `qa index` build, with its own copy of the model."""
    return build_index(settings, build_embedder(settings))


def timed(name: str, build: Callable[[], BuildReport], runs: int, index: Path) -> dict:
    times, report = [], None
    for _ in range(runs):
        shutil.rmtree(index, ignore_errors=True)
        started = time.perf_counter()
        report = build()
        times.append(time.perf_counter() - started)
    assert report is not None
    seconds = statistics.median(times)
    row = {"name": name, "seconds": seconds, "report": report, "rate": report.embedded / seconds}
    print(
        f"  {name}: {seconds:.1f} s, {report.embedded} texts embedded, "
        f"{row['rate']:.0f} texts/s, {report.segments} segment(s)",
        flush=True,
    )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", type=Path, default=DEFAULT_TSV)
    parser.add_argument("--runs", type=int, default=1, help="builds per row (median)")
    args = parser.parse_args()
    distributed.import_ray()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="qa-ray-bench-") as tmp:
        root = Path(tmp)
        load_wikiqa(args.tsv, root / "corpus")
        # The model converted for the backend (QA_BACKEND) is kept outside the index and
        # made once here, so no timed build pays for a conversion.
        base = Settings(
            _env_file=None,
            corpus_dir=root / "corpus",
            index_dir=root / "index",
            model_cache_dir=root / "models",
        )
        build_embedder(base).embed(["warm-up"])
        files = len(list((root / "corpus").iterdir()))
        print(
            f"WikiQA dev: {files} documents, {cores} cores, backend {base.backend}; "
            f"medians of {args.runs} run(s)"
        )
        rows = []
        for threads in (1, cores):
            settings = base.model_copy(update={"torch_threads": threads})
            name, build = f"local, QA_TORCH_THREADS={threads}", partial(local_build, settings)
            rows.append(timed(name, build, args.runs, base.index_dir))
        started = time.perf_counter()
        with distributed.ray_session(base, cpus=cores):
            startup = time.perf_counter() - started
            print(f"  Ray start-up (local instance, {cores} CPUs): {startup:.1f} s", flush=True)
            one = root / "one"
            one.mkdir()
            shutil.copy2(next((root / "corpus").iterdir()), one)
            single = base.model_copy(update={"corpus_dir": one, "ray_workers": 1})
            fixed = timed(
                "Ray, 1 worker, one document",
                lambda: distributed.build_index(single),
                args.runs,
                base.index_dir,
            )
            for workers in (1, 2):
                settings = base.model_copy(update={"ray_workers": workers})
                build = partial(distributed.build_index, settings)
                rows.append(timed(f"Ray, {workers} worker(s)", build, args.runs, base.index_dir))
    shapes = {(r["report"].documents, r["report"].chunks, r["report"].sentences) for r in rows}
    assert len(shapes) == 1, f"the builds disagree: {shapes}"
    documents, chunks, sentences = shapes.pop()
    print(f"\nevery build: {documents} documents, {chunks} chunks, {sentences} sentences")
    print("| build | wall time | texts embedded | texts/s | with Ray start-up |")
    print("| --- | --- | --- | --- | --- |")
    for row in [*rows, fixed]:
        ray = row["name"].startswith("Ray")
        total = f"{row['seconds'] + startup:.1f} s" if ray else ""
        print(
            f"| {row['name']} | {row['seconds']:.1f} s | {row['report'].embedded} | "
            f"{row['rate']:.0f} | {total} |"
        )
    print(f"| Ray start-up alone | {startup:.1f} s | | | |")
    print("\nreproduce: .venv/bin/python -m bench.ray_build " + " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
