"""POST /ask while a `qa index` build runs on the same machine, at each build priority.

A real `qa serve` on 127.0.0.1 over the shipped article answers sequential questions
while a separate `qa index --full` process builds the WikiQA dev corpus with
``--build-threads`` torch threads (default 2: both cores of these machines), once with
each QA_BUILD_NICE of ``--nices`` (0: the build at the server's priority). Rounds
alternate the variants; "idle" is the same server with no build running. Every number is
client-side wall time; the summary gives the median over rounds.

    .venv/bin/python -m bench.beside_build [--rounds 3] [--requests 150] [--nices 0,10]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.load import ARTICLE, KEY, REPO, Server, cli_script, run_cli, sequential
from qa.settings import Settings

WARM_UP_S = 12.0  # the build process loads its model first; measure while it embeds


def measure(server: Server, build: list[str] | None, env: dict, root: Path, n: int) -> dict:
    process = None
    if build is not None:
        log = (root / "build.log").open("w")
        process = subprocess.Popen(build, env=env, cwd=root, stdout=log, stderr=log)
        time.sleep(WARM_UP_S)
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            result = sequential(client, n, None)
        if process is not None and process.poll() is not None:
            raise SystemExit(f"the build ended before the questions did; see {root}/build.log")
        return result
    finally:
        if process is not None:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=150)
    parser.add_argument("--build-threads", type=int, default=2)
    parser.add_argument("--nices", default="0,10", help="the QA_BUILD_NICE values compared")
    parser.add_argument("--tsv", type=Path, default=REPO / "bench" / "data" / "wikiqa-dev.tsv")
    args = parser.parse_args(argv)
    from qa.evaluation.datasets import load_wikiqa

    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "SLACK_", "OMP_"))}
    env.update(QA_API_KEY=KEY)
    default_nice = Settings.model_fields["build_nice"].default
    variants = {"idle": None, **{f"build nice {n}": n for n in args.nices.split(",")}}
    results: dict[str, list[dict]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory(prefix="qa-beside-build-") as tmp:
        tmp = Path(tmp)
        served, built = tmp / "served", tmp / "built"
        (served / "corpus").mkdir(parents=True)
        shutil.copy2(REPO / "corpus" / ARTICLE, served / "corpus" / ARTICLE)
        run_cli(REPO, served, ["index"], env)
        load_wikiqa(args.tsv, built / "corpus")
        build = cli_script(REPO, built, ["index", "--full"])
        server = Server(REPO, served, env)
        try:
            for round_ in range(1, args.rounds + 1):
                names = list(variants) if round_ % 2 else list(variants)[::-1]
                for name in names:
                    nice = variants[name]
                    build_env = {
                        **env,
                        "QA_TORCH_THREADS": str(args.build_threads),
                        "QA_BUILD_NICE": nice or "0",
                    }
                    command = None if nice is None else build
                    row = measure(server, command, build_env, built, args.requests)
                    results[name].append(row)
                    print(
                        f"round {round_} {name:14} | median {row['median_ms']:6.1f} ms, "
                        f"p95 {row['p95_ms']:6.1f} ms, p99 {row['p99_ms']:6.1f} ms, "
                        f"{row['over_100ms']} over 100 ms, {row['failed']} failed",
                        flush=True,
                    )
        finally:
            server.stop()

    print(
        f"\nmedians over {args.rounds} rounds; the build uses {args.build_threads} torch "
        f"threads; default QA_BUILD_NICE is {default_nice}:"
    )
    for name, rows in results.items():
        med = {k: statistics.median(r[k] for r in rows) for k in ("median_ms", "p95_ms", "p99_ms")}
        print(
            f"  {name:14} median {med['median_ms']:6.1f} ms  p95 {med['p95_ms']:6.1f} ms  "
            f"p99 {med['p99_ms']:6.1f} ms"
        )
    print(
        "reproduce: cd",
        shlex.quote(str(REPO)),
        "&&",
        shlex.join([".venv/bin/python", "-m", "bench.beside_build", *sys.argv[1:]]),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
