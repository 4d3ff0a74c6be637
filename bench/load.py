"""POST /ask under load: a baseline commit against this checkout, in one run (loopback only).

Both servers are real `qa serve` processes on 127.0.0.1 over copies of one index of the
shipped article: "before" runs the code of ``--baseline REV`` (extracted with
`git archive` into a temp folder), "after" the code of this checkout with its defaults,
and "after-threads0" (with ``--variants``) the same with QA_TORCH_THREADS=0, torch's own
thread count: the comparison behind QA_TORCH_THREADS's default. The baseline defaults to
``HEAD``: uncommitted changes are measured against the last commit, and on a clean
checkout the two sides run the same code, so their difference is the machine's spread.
Pass the commit a change is to be judged against (``--baseline main``, or a hash).
Each round, for each variant in turn:

  throughput  --clients concurrent clients (default 32), --per-client requests each
  upload      sequential /ask while a ~67 KB document is uploaded and embedded
  busy        --busy-requests sequential /ask beside --busy CPU-bound processes (default 4),
              then a 15 ms CPU loop timed beside the same processes: the floor for any request

Every number is client-side wall time. Rounds alternate the variants so that both see the
same machine; the summary gives the median over rounds and the after/before ratio.

    .venv/bin/python -m bench.load [--rounds 3] [--variants before,after] [--baseline HEAD]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.questions import ARTICLE_QUESTIONS as QUESTIONS

REPO = Path(__file__).resolve().parents[1]
ARTICLE = "peru-multidimensional-challenge-part-2.txt"
SQUAD = REPO / "bench" / "data" / "squad-train-fragments.jsonl"
KEY = "bench-key"
# Settings each variant's server runs with (on top of the API key), besides its code.
VARIANTS: dict[str, dict[str, str]] = {
    "before": {},
    "after": {},
    "after-threads0": {"QA_TORCH_THREADS": "0"},
}
TARGETS = {"throughput_rps": 54.0, "upload_p99_ms": 300.0, "busy_p95_ms": 60.0}


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def documents(size: int, count: int) -> list[str]:
    """``count`` distinct texts of about ``size`` bytes from SQuAD paragraphs (never cached)."""
    seen, texts, current = set(), [], []
    for line in SQUAD.read_text(encoding="utf-8").splitlines():
        context = json.loads(line)["context"]
        if context in seen:
            continue
        seen.add(context)
        current.append(context)
        if sum(len(c.encode()) + 2 for c in current) >= size:
            texts.append("\n\n".join(current))
            current = []
            if len(texts) == count:
                return texts
    raise SystemExit(f"{SQUAD} holds fewer than {count} documents of {size} bytes")


def cli_script(code: Path, root: Path, command: list[str]) -> list[str]:
    """`qa COMMAND` over ``root``'s index and corpus, run by the packages in ``code``."""
    args = [*command, "--index", str(root / "index"), "--corpus", str(root / "corpus")]
    script = (
        f"import sys; sys.path.insert(0, {str(code)!r}); from qa.cli import main; "
        f"sys.exit(main({args!r}))"
    )
    return [sys.executable, "-c", script]


def run_cli(code: Path, root: Path, command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        cli_script(code, root, command), env=env, cwd=root, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"qa {' '.join(command)} failed in {root}:\n{done.stderr[-2000:]}")


class Server:
    """`qa serve` in a child process on a free loopback port; stopped by its own pid."""

    def __init__(self, code: Path, root: Path, env: dict[str, str], name: str = "server") -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        command = ["serve", "--host", "127.0.0.1", "--port", str(self.port)]
        self.log = (root / f"{name}.log").open("w")
        self.process = subprocess.Popen(
            cli_script(code, root, command), env=env, cwd=root, stdout=self.log, stderr=self.log
        )
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(self.url + "/readyz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server did not start; see {root / name}.log")
            time.sleep(0.2)
        with httpx.Client(base_url=self.url, timeout=60) as client:  # warm: model, caches
            for question in QUESTIONS * 3:
                client.post("/ask", json={"question": question}).raise_for_status()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def throughput(url: str, clients: int, per_client: int) -> dict:
    async def run() -> tuple[float, list[float], int]:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        latencies, failures = [], 0
        async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

            async def worker(offset: int) -> None:
                nonlocal failures
                for i in range(per_client):
                    question = QUESTIONS[(offset + i) % len(QUESTIONS)]
                    started = time.perf_counter()
                    response = await client.post("/ask", json={"question": question})
                    latencies.append((time.perf_counter() - started) * 1000)
                    failures += response.status_code != 200

            started = time.perf_counter()
            await asyncio.gather(*(worker(i) for i in range(clients)))
            return time.perf_counter() - started, latencies, failures

    seconds, latencies, failures = asyncio.run(run())
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / seconds, 1),
        "median_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "failed": failures,
    }


def sequential(client: httpx.Client, count: int | None, until: threading.Event | None) -> dict:
    latencies, failures, i = [], 0, 0
    while (count is not None and i < count) or (until is not None and not until.is_set()):
        started = time.perf_counter()
        response = client.post("/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]})
        latencies.append((time.perf_counter() - started) * 1000)
        failures += response.status_code != 200
        i += 1
    return {
        "requests": len(latencies),
        "median_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies), 1),
        "over_100ms": sum(v > 100 for v in latencies),
        "failed": failures,
    }


def during_upload(url: str, text: str, title: str) -> dict:
    done, result = threading.Event(), {}

    def upload() -> None:
        started = time.perf_counter()
        response = httpx.post(
            url + "/documents",
            json={"title": title, "text": text},
            headers={"X-API-Key": KEY},
            timeout=600,
        )
        result.update(status=response.status_code, seconds=round(time.perf_counter() - started, 1))
        done.set()

    thread = threading.Thread(target=upload)
    with httpx.Client(base_url=url, timeout=120) as client:
        thread.start()
        asks = sequential(client, None, done)
    thread.join()
    return {**asks, "upload_status": result["status"], "upload_seconds": result["seconds"]}


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def loop_size(work_ms: float = 15.0) -> int:
    """Iterations of ``_spin`` that take ``work_ms`` here; call it while the machine is idle."""
    started = time.perf_counter()
    _spin(200_000)
    return int(200_000 * work_ms / 1000 / (time.perf_counter() - started))


def cpu_floor(count: int, n: int) -> dict:
    """What the scheduler leaves any request: ``count`` timings of ``_spin(n)`` (15 ms of CPU
    on an idle core, see ``loop_size``), each after a short sleep, as a question arrives."""
    latencies = []
    for _ in range(count):
        time.sleep(0.002)
        started = time.perf_counter()
        _spin(n)
        latencies.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
    }


def beside_busy(url: str, busy: int, count: int) -> dict:
    """Sequential questions beside ``busy`` processes that never sleep; ``floor`` is a 15 ms
    loop timed beside the same processes."""
    n = loop_size()  # before the busy processes start
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(busy)]
    try:
        time.sleep(1.0)
        with httpx.Client(base_url=url, timeout=120) as client:
            return {**sequential(client, count, None), "floor": cpu_floor(count, n)}
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def baseline_code(rev: str, into: Path) -> Path:
    """The packages as they were at ``rev`` (bot/ too: the plug-in interface may differ)."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", rev, "qa", "bot"], check=True, capture_output=True
    ).stdout
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--baseline", default="HEAD", metavar="REV", help="the commit 'before' runs (git archive)"
    )
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--per-client", type=int, default=15)
    parser.add_argument("--busy", type=int, default=4)
    parser.add_argument("--busy-requests", type=int, default=40)
    parser.add_argument("--upload-bytes", type=int, default=67_000)
    parser.add_argument(
        "--variants",
        default="before,after",
        help="comma list: before, after, after-threads0 (QA_TORCH_THREADS=0: torch's default)",
    )
    parser.add_argument("--out", type=Path, help="also write every measurement as JSON here")
    args = parser.parse_args(argv)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "SLACK_", "OMP_"))}
    env.update(QA_API_KEY=KEY, QA_WRITE_LOCK_WAIT="600")
    variants = args.variants.split(",")
    unknown = set(variants) - set(VARIANTS)
    if unknown or variants[0] != "before":
        parser.error(f"--variants: 'before' first, then any of {', '.join(VARIANTS)}")
    texts = iter(documents(args.upload_bytes, args.rounds * len(variants)))
    results: dict[str, list[dict]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory(prefix="qa-load-") as tmp:
        tmp = Path(tmp)
        old = baseline_code(args.baseline, tmp / "before-code")
        code = {v: old if v == "before" else REPO for v in variants}
        # Each side's index is built by its own code (the index format may differ between
        # them) with the model and adapter its own server loads.
        seeds = {}
        for name in ("before", "after"):
            seed = seeds[name] = tmp / f"seed-{name}"
            (seed / "corpus").mkdir(parents=True)
            shutil.copy2(REPO / "corpus" / ARTICLE, seed / "corpus" / ARTICLE)
            run_cli(old if name == "before" else REPO, seed, ["index"], env)
        for round_ in range(1, args.rounds + 1):
            for variant in variants if round_ % 2 else variants[::-1]:
                root = tmp / f"{variant}-{round_}"
                shutil.copytree(seeds["before" if variant == "before" else "after"], root)
                server = Server(code[variant], root, {**env, **VARIANTS[variant]})
                try:
                    row = {
                        "throughput": throughput(server.url, args.clients, args.per_client),
                        "upload": during_upload(server.url, next(texts), f"Load {round_}"),
                        "busy": beside_busy(server.url, args.busy, args.busy_requests),
                    }
                finally:
                    server.stop()
                results[variant].append(row)
                t, u, b = row["throughput"], row["upload"], row["busy"]
                print(
                    f"round {round_} {variant:14} | {args.clients} clients: {t['rps']:6.1f} req/s "
                    f"(median {t['median_ms']:.0f} ms, {t['failed']} failed) | during a "
                    f"{args.upload_bytes // 1000} KB upload ({u['upload_seconds']} s, "
                    f"{u['upload_status']}): {u['requests']} asks, p95 {u['p95_ms']:.0f} ms, "
                    f"p99 {u['p99_ms']:.0f} ms, max {u['max_ms']:.0f} ms, {u['over_100ms']} over "
                    f"100 ms | beside {args.busy} busy: median {b['median_ms']:.1f} ms, "
                    f"p95 {b['p95_ms']:.1f} ms (a 15 ms CPU loop there: median "
                    f"{b['floor']['median_ms']:.1f} ms, p95 {b['floor']['p95_ms']:.1f} ms)",
                    flush=True,
                )

    def med(variant: str, part: str, key: str) -> float:
        return statistics.median(r[part][key] for r in results[variant])

    summary: dict[str, dict] = {}
    metrics = [
        ("throughput_rps", "throughput", "rps"),
        ("upload_p99_ms", "upload", "p99_ms"),
        ("busy_p95_ms", "busy", "p95_ms"),
        ("busy_median_ms", "busy", "median_ms"),
    ]
    for variant in variants[1:]:
        print(f"\nmedians over {args.rounds} rounds, {variant} against before (ratio):")
        summary[variant] = {}
        for label, part, key in metrics:
            before, after = med("before", part, key), med(variant, part, key)
            row = {"before": before, "after": after, "ratio": round(after / before, 2)}
            summary[variant][label] = row
            met, target = "", TARGETS.get(label)
            if target is not None:
                higher = label == "throughput_rps"
                ok = after >= target if higher else after < target
                met = f"  target {'>=' if higher else '<'} {target:g}: {'met' if ok else 'NOT met'}"
            print(
                f"  {label:15} before {before:8.1f}  {variant} {after:8.1f}  "
                f"ratio {row['ratio']:5.2f}{met}"
            )
        rows = results[variant]
        print(
            f"  {variant}, in every round: upload p99 < 300 ms: "
            f"{all(r['upload']['p99_ms'] < 300 for r in rows)}; busy p95 < 60 ms: "
            f"{all(r['busy']['p95_ms'] < 60 for r in rows)}"
        )
    command = shlex.join([".venv/bin/python", "-m", "bench.load", *(argv or sys.argv[1:])])
    print(f"reproduce: cd {REPO} && {command}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            json.dumps({"rounds": results, "summary": summary, "command": command}, indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    # A SIGTERM (a `timeout`) unwinds like Ctrl-C, so the servers and busy processes this
    # run started are stopped by their pids on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
