"""Two `qa serve` replicas over one index folder, and one writer, under load (loopback).

Both replicas are real `qa serve` processes over the same index folder; replica A takes
the writes. Client threads send --requests POST /ask spread over both replicas while 20
documents are added to and removed from A one after another. Reports failed requests
(must be 0), the index versions each replica answered from, and for each write how long
replica B took to serve the version A published (B polls every QA_RELOAD_INTERVAL).
Also sends two writes at the same moment, one to each replica: exactly one writer at a
time, so one of them waits or gets 409.

    .venv/bin/python -m bench.replicas [--requests 2000] [--documents 20]
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.load import KEY, Server
from bench.questions import ARTICLE_QUESTIONS as QUESTIONS
from harness.corpora import shipped_article_corpus
from harness.reproduce import print_reproduce
from qa.build.build import build_index
from qa.runtime import build_embedder
from qa.settings import Settings

REPO = Path(__file__).resolve().parents[1]
RELOAD = "0.5"


def _fact(i: int) -> tuple[str, str]:
    return f"Harbour note {i}", f"The harbour ferry number {i} leaves at {i % 12 + 1} o'clock."


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="replicas-"))
    try:
        shipped_article_corpus(root)
        settings = Settings(_env_file=None, corpus_dir=root / "corpus", index_dir=root / "index")
        build_index(settings, build_embedder(settings))
        env = {
            **os.environ,
            "QA_API_KEY": KEY,
            "QA_RELOAD_INTERVAL": RELOAD,
            "QA_WRITE_LOCK_WAIT": "0",
            "OMP_NUM_THREADS": "1",
        }
        a = Server(REPO, root, env, name="replica-a")
        b = Server(REPO, root, env, name="replica-b")
        run(a, b, args)
        a.stop()
        b.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print_reproduce(__spec__.name)
    return 0


def run(a: Server, b: Server, args) -> None:
    failures: list[str] = []
    versions: dict[str, set[str]] = {"A": set(), "B": set()}
    sent = itertools.count()
    writes_done = threading.Event()
    asked = [0]

    def client(offset: int) -> None:
        with httpx.Client(timeout=60) as http:
            while (n := next(sent)) < args.requests or not writes_done.is_set():
                asked[0] = max(asked[0], n + 1)
                name, server = ("A", a) if (n + offset) % 2 else ("B", b)
                question = QUESTIONS[n % len(QUESTIONS)]
                try:
                    r = http.post(server.url + "/ask", json={"question": question})
                    if r.status_code != 200:
                        failures.append(f"{name} {r.status_code} {r.text[:200]}")
                    else:
                        versions[name].add(r.json()["index_version"])
                except httpx.HTTPError as exc:
                    failures.append(f"{name} {exc!r}")

    catch_up: list[float] = []
    writes: list[str] = []

    def writer() -> None:
        with httpx.Client(timeout=120, headers={"X-API-Key": KEY}) as http:

            def served_by_b(response: httpx.Response) -> None:
                published = time.perf_counter()
                version = response.json()["index_version"]
                while http.get(b.url + "/readyz").json().get("index_version") != version:
                    time.sleep(0.02)
                catch_up.append(time.perf_counter() - published)

            for i in range(args.documents):
                title, text = _fact(i)
                added = http.post(a.url + "/documents", json={"title": title, "text": text})
                writes.append(f"add {i}: {added.status_code}")
                if added.status_code != 201:
                    continue
                served_by_b(added)
                removed = http.delete(f"{a.url}/documents/{added.json()['id']}")
                writes.append(f"delete {i}: {removed.status_code}")
                if removed.status_code == 200:
                    served_by_b(removed)
        writes_done.set()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    threads.append(threading.Thread(target=writer))
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    time.sleep(float(RELOAD) * 2)
    both = concurrent_writes(a, b)
    print(
        f"{asked[0]} /ask over two replicas in {seconds:.0f} s while the writes ran: "
        f"{len(failures)} failed"
    )
    for failure in failures[:5]:
        print("  ", failure)
    print(f"versions answered from: A {len(versions['A'])}, B {len(versions['B'])}")
    if catch_up:
        print(
            f"versions published by A: {len(catch_up)}; B served each after "
            f"median {statistics.median(catch_up) * 1000:.0f} ms, max "
            f"{max(catch_up) * 1000:.0f} ms (reload interval {RELOAD} s)"
        )
    bad = [w for w in writes if not w.endswith((": 200", ": 201"))]
    print(
        f"writes: {len(writes)} ({args.documents} added, then each removed); problems: "
        f"{bad or 'none'}"
    )
    print(f"two writes at the same moment, one to each replica: {both}")


def concurrent_writes(a: Server, b: Server) -> list[int]:
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def write(server: Server, i: int) -> None:
        title, text = _fact(1000 + i)
        barrier.wait()
        r = httpx.post(
            server.url + "/documents",
            json={"title": title, "text": text * 40},
            headers={"X-API-Key": KEY},
            timeout=120,
        )
        statuses.append(r.status_code)

    threads = [threading.Thread(target=write, args=(s, i)) for i, s in enumerate((a, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(statuses)


if __name__ == "__main__":
    raise SystemExit(main())
