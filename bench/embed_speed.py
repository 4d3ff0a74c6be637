"""Embedding speed per backend, with and without length sorting, on the WikiQA build's texts.

The texts are the ones a full build of the WikiQA dev corpus embeds (chunks and the four
sentence views); each round draws a new random sample of them (seeded) and times every
variant on it once, in a rotated order, and the table shows medians over the rounds, all
measured in this run. A new sample each round matters: OpenVINO prepares its kernels per
input shape, and timing the same texts again would time shapes it has already seen, which
a build mostly does not.
Ratios against torch are medians of per-round ratios. Also one question at a time (the
query path), and the largest difference of any vector component from torch's.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.embed_speed [--tsv bench/data/wikiqa-dev.tsv]
        [--sample 600] [--rounds 7] [--backends torch,openvino,openvino-bf16] [--threads 1]

sentence-transformers' ``encode`` already sorts one call's texts by length, so torch
"sorted" is what the torch build did before as well; "unsorted" feeds each backend
batches in build order.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.workspace import wikiqa_texts
from harness.reproduce import print_reproduce
from qa.model.adapter import resolve_adapter
from qa.model.backends import BACKENDS, load_backend
from qa.model.embedder import embed_in_batches, embedder_name
from qa.settings import BUNDLED_ADAPTER, DEFAULT_MODEL


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tsv", type=Path, default=Path("bench/data/wikiqa-dev.tsv"))
    parser.add_argument("--sample", type=int, default=600, help="texts timed per variant")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--threads", type=int, default=1, help="as QA_TORCH_THREADS")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--questions", type=int, default=100, help="single-question timings")
    args = parser.parse_args()
    backends = args.backends.split(",")
    if backends[0] != "torch":
        parser.error("--backends must start with torch, the reference")

    with tempfile.TemporaryDirectory(prefix="embed-speed-") as tmp:
        questions, texts = wikiqa_texts(args.tsv, Path(tmp))
        adapter = resolve_adapter(BUNDLED_ADAPTER, DEFAULT_MODEL)
        name = embedder_name(DEFAULT_MODEL, adapter)
        loaded = {}
        for backend in backends:
            started = time.perf_counter()
            loaded[backend] = load_backend(
                backend, DEFAULT_MODEL, adapter, args.threads, name, Path(tmp) / "models"
            )
            print(f"{backend}: loaded (converted) in {time.perf_counter() - started:.1f} s")
    size = min(args.sample, len(texts))
    chars = statistics.median(len(t) for t in texts)
    print(
        f"{len(texts)} distinct texts in the WikiQA dev build (median {chars:.0f} characters); "
        f"timing {size} new ones per round, batch {args.batch_size}, {args.threads} "
        f"thread(s), {args.rounds} rounds"
    )

    variants = [(b, s) for b in backends for s in (True, False)]
    for backend in backends:  # warm-up: loading, first allocations
        embed_in_batches(loaded[backend].run, texts[:64], args.batch_size)
    rates: dict[tuple[str, bool], list[float]] = {v: [] for v in variants}
    vectors: dict[tuple[str, bool], np.ndarray] = {}
    for round_no in range(args.rounds):
        sample = random.Random(round_no).sample(texts, size)
        shift = round_no % len(variants)
        for backend, ordered in variants[shift:] + variants[:shift]:
            started = time.perf_counter()
            out = embed_in_batches(loaded[backend].run, sample, args.batch_size, sort=ordered)
            rates[(backend, ordered)].append(len(sample) / (time.perf_counter() - started))
            if round_no == 0:
                vectors[(backend, ordered)] = out
        print(
            f"  round {round_no + 1}: "
            + ", ".join(
                f"{b}{'' if s else ' unsorted'} {rates[(b, s)][-1]:.1f}/s" for b, s in variants
            ),
            flush=True,
        )

    reference = vectors[("torch", True)]
    print(
        "\n| backend | length-sorted | texts/s (median) | each round | x torch, same sorting "
        "| sorted / unsorted | max abs diff vs torch |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for backend, ordered in variants:
        mine = rates[(backend, ordered)]
        # Ratios are taken round by round (the same minutes of a shared machine), then
        # the median of them: steadier than a ratio of medians when the load drifts.
        ratio = _paired(mine, rates[("torch", ordered)])
        gain = f"{_paired(mine, rates[(backend, False)]):.2f}" if ordered else ""
        diff = float(np.abs(vectors[(backend, ordered)] - reference).max())
        each = ", ".join(f"{r:.1f}" for r in mine)
        print(
            f"| {backend} | {'yes' if ordered else 'no'} | {statistics.median(mine):.1f} | "
            f"{each} | {ratio:.2f} | {gain} | {diff:.1e} |"
        )

    asked = [q.question for q in questions[: args.questions]]
    print(f"\none question at a time ({len(asked)} WikiQA questions, medians):")
    for backend in backends:
        times = []
        for text in asked:
            started = time.perf_counter()
            loaded[backend].run([text])
            times.append((time.perf_counter() - started) * 1000)
        print(f"  {backend}: {statistics.median(times):.2f} ms")
    print_reproduce(__spec__.name, one_thread=True)
    return 0


def _paired(rates: list[float], against: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(rates, against))


if __name__ == "__main__":
    raise SystemExit(main())
