"""Index upkeep costs on the WikiQA dev corpus: full build, one-document update, upload.

    .venv/bin/python -m bench.upkeep [--runs 3] [--tsv bench/data/wikiqa-dev.tsv]

Prints medians (the machine is shared and noisy) and the command that reproduced them.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from harness.servers import serve
from qa.api.app import create_app
from qa.build.build import build_index
from qa.evaluation.datasets import load_wikiqa
from qa.runtime import Runtime, build_embedder
from qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _new_doc(i: int) -> tuple[str, str, str]:
    """A document no run has embedded before, a question about it and the fact it answers."""
    stamp = f"{time.time_ns()}{i}"
    fact = f"The lighthouse keeper of Skerry {stamp} rings the bell {i + 3} times at dawn."
    return f"Skerry lighthouse {stamp}", fact + " The island has no trees.", fact


def full_builds(settings: Settings, embedder, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        shutil.rmtree(settings.index_dir, ignore_errors=True)
        started = time.perf_counter()
        report = build_index(settings, embedder, full=True)
        times.append(time.perf_counter() - started)
        print(
            f"  full build: {times[-1]:.2f} s ({report.documents} documents, "
            f"{report.embedded} texts embedded)",
            flush=True,
        )
    return times


def incremental_adds(settings: Settings, embedder, runs: int) -> list[float]:
    times = []
    for i in range(runs):
        title, text, _ = _new_doc(i)
        path = settings.corpus_dir / f"zz-added-{i}.txt"
        path.write_text(f"{title}\n\n{text}\n")
        started = time.perf_counter()
        report = build_index(settings, embedder)
        times.append(time.perf_counter() - started)
        assert report.added == [path.name] and report.embedded > 0, report
        print(f"  add one document: {times[-1]:.3f} s ({report.embedded} texts embedded)")
        path.unlink()
        build_index(settings, embedder)
    return times


def upload_latencies(settings: Settings, embedder, runs: int) -> list[float]:
    app = create_app(Runtime.build(settings, embedder), plugins=False)
    times = []
    with serve(app) as url, httpx.Client(base_url=url, timeout=300) as http:
        for i in range(runs):
            title, text, fact = _new_doc(100 + i)
            started = time.perf_counter()
            r = http.post(
                "/documents", json={"title": title, "text": text}, headers={"X-API-Key": "bench"}
            )
            times.append(time.perf_counter() - started)
            assert r.status_code == 201, r.text
            doc_id = r.json()["id"]
            answer = http.post(
                "/ask",
                json={"question": f"How many times does the keeper of {title} ring the bell?"},
            ).json()
            quoted = [q for q in answer["quotes"] if q["document"]["id"] == doc_id]
            assert quoted and quoted[0]["text"] == fact, answer
            print(f"  POST /documents: {times[-1]:.3f} s; next /ask quoted it")
            http.delete(f"/documents/{doc_id}", headers={"X-API-Key": "bench"})
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", type=Path, default=ROOT / "bench/data/wikiqa-dev.tsv")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qa-bench-upkeep-") as tmp:
        corpus = Path(tmp) / "corpus"
        load_wikiqa(args.tsv, corpus)
        settings = Settings(
            _env_file=None, corpus_dir=corpus, index_dir=Path(tmp) / "index", api_key="bench"
        )
        embedder = build_embedder(settings)
        embedder.embed(["warm up"])  # model loading is not part of any measurement
        print(f"corpus: {len(list(corpus.glob('*.txt')))} WikiQA documents")
        full = statistics.median(full_builds(settings, embedder, args.runs))
        add = statistics.median(incremental_adds(settings, embedder, max(args.runs, 5)))
        post = statistics.median(upload_latencies(settings, embedder, max(args.runs, 5)))
    print("\nmedians:")
    print(f"  full build (full=True, fresh index): {full:.2f} s")
    print(f"  incremental build adding one document: {add:.3f} s = {add / full:.1%} of full")
    print(f"  POST /documents until answerable (returns answerable): {post:.3f} s")
    print(
        f"\nreproduce: .venv/bin/python -m bench.upkeep --runs {args.runs}"
        + (f" --tsv {args.tsv}" if args.tsv != parser.get_default("tsv") else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
