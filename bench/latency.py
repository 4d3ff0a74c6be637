"""Latency of POST /ask over real HTTP: WikiQA dev index and the shipped-corpus index.

Builds both indexes (or reuses them from ``--index DIR``), serves each with uvicorn on
127.0.0.1, warms up, then sends sequential POST /ask requests and reports the median and
p95 of the client-side wall time, plus how long each index build took.

    .venv/bin/python -m bench.latency [--index DIR] [--requests 200] [--warmup 10]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import shlex
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.questions import ARTICLE_QUESTIONS
from harness.servers import serve
from qa.api.app import create_app
from qa.build.build import build_index
from qa.evaluation.datasets import load_wikiqa
from qa.evaluation.metrics import latency_summary
from qa.runtime import Runtime, build_embedder
from qa.settings import Settings

REPO = Path(__file__).resolve().parents[1]

WIKIQA = REPO / "bench" / "data" / "wikiqa-dev.tsv"  # bench/data/README.md says where from


def build(settings: Settings, embedder) -> dict:
    """Build (or bring up to date) one index; returns what the report prints about it."""
    report = build_index(settings, embedder)
    return {
        "index_dir": str(settings.index_dir),
        "documents": report.documents,
        "chunks": report.chunks,
        "sentences": report.sentences,
        "build_seconds": round(report.seconds, 2),
        "rebuilt": report.changed,  # False: reused as it was, so the time is the check only
    }


def measure(url: str, questions: list[str], requests: int, warmup: int) -> dict:
    """Sequential POST /ask; client-side wall time per request, in milliseconds."""
    samples, answered = [], 0
    with httpx.Client(base_url=url, timeout=60) as client:
        for question in itertools.islice(itertools.cycle(questions), warmup):
            client.post("/ask", json={"question": question}).raise_for_status()
        for question in itertools.islice(itertools.cycle(questions), requests):
            started = time.perf_counter()
            response = client.post("/ask", json={"question": question})
            samples.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            answered += response.json()["answered"]
    return {**latency_summary(samples), "max_ms": round(max(samples), 2), "answered": answered}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="keep/reuse the indexes in this folder")
    parser.add_argument("--wikiqa", type=Path, default=WIKIQA, help="WikiQA dev TSV")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    with contextlib.ExitStack() as stack:
        root = args.index or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        embedder = build_embedder(Settings(_env_file=None))  # the model `qa serve` loads
        started = time.perf_counter()
        embedder.embed(["load the model before anything is timed"])
        model_seconds = time.perf_counter() - started

        wikiqa_corpus = root / "wikiqa" / "corpus"
        questions = [q.question for q in load_wikiqa(args.wikiqa, wikiqa_corpus)]
        targets = {
            "wikiqa": (
                Settings(_env_file=None, corpus_dir=wikiqa_corpus, index_dir=root / "wikiqa/index"),
                questions,
            ),
            "shipped": (
                Settings(_env_file=None, corpus_dir=REPO / "corpus", index_dir=root / "shipped"),
                ARTICLE_QUESTIONS,
            ),
        }
        results: dict = {"model_load_seconds": round(model_seconds, 2)}
        for name, (settings, qs) in targets.items():
            index = build(settings, embedder)
            with serve(create_app(Runtime.build(settings, embedder), plugins=False)) as url:
                latency = measure(url, qs, args.requests, args.warmup)
            results[name] = {"index": index, "ask": latency, "distinct_questions": len(qs)}

    command = shlex.join([".venv/bin/python", "-m", "bench.latency", *(argv or sys.argv[1:])])
    results["command"] = command
    for name in targets:
        index, ask = results[name]["index"], results[name]["ask"]
        state = "built" if index["rebuilt"] else "reused (up-to-date check)"
        print(
            f"{name:8} {index['documents']:4d} docs {index['chunks']:5d} chunks "
            f"{index['sentences']:5d} sentences | index {state} in {index['build_seconds']:.2f} s"
            f" | POST /ask x{ask['n']}: median {ask['median_ms']:.1f} ms, "
            f"p95 {ask['p95_ms']:.1f} ms, max {ask['max_ms']:.1f} ms ({ask['answered']} answered)"
        )
    print(f"model load {results['model_load_seconds']:.2f} s (not in the numbers above)")
    print(f"reproduce: cd {REPO} && {command}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
