"""Two replicas over one index folder: each serves every version the writer publishes,
and no question fails meanwhile. (bench/replicas.py does the same with two `qa serve`
processes and 2,000 questions.)"""

from __future__ import annotations

import itertools
import threading
import time

import httpx

from qa.api.app import create_app
from qa.build.build import build_index
from qa.index import layout
from qa.runtime import Runtime
from tests.support.settings import corpus_settings

KEY = {"X-API-Key": "k"}
QUESTIONS = ("What is the fastest bird?", "When did Mount Etna last erupt?")


def _wait_for(url: str, version: str, timeout: float = 30.0) -> float:
    started = time.monotonic()
    while httpx.get(url + "/readyz").json().get("index_version") != version:
        assert time.monotonic() - started < timeout, f"{url} never served {version}"
        time.sleep(0.01)
    return time.monotonic() - started


def test_two_replicas_follow_one_writer_with_no_failed_question(tmp_path, embedder, serve_app):
    settings = corpus_settings(tmp_path, api_key="k", reload_interval=0.05, write_lock_wait=0.0)
    first = build_index(settings, embedder).version
    a, b = Runtime.build(settings, embedder).start(), Runtime.build(settings, embedder).start()
    urls = {
        "A": serve_app(create_app(a, plugins=False)),
        "B": serve_app(create_app(b, plugins=False)),
    }
    failures: list[str] = []
    seen: dict[str, set[str]] = {"A": set(), "B": set()}
    stop = threading.Event()
    turn = itertools.count()

    def client() -> None:
        with httpx.Client(timeout=60) as http:
            while not stop.is_set():
                name = "AB"[next(turn) % 2]
                r = http.post(urls[name] + "/ask", json={"question": QUESTIONS[0]})
                if r.status_code == 200:
                    seen[name].add(r.json()["index_version"])
                else:
                    failures.append(f"{name}: {r.status_code} {r.text}")

    clients = [threading.Thread(target=client) for _ in range(2)]
    for t in clients:
        t.start()
    published = []
    try:
        for i in range(3):
            doc = {"title": f"Ferry {i}", "text": f"The ferry number {i} leaves at {i + 6} am."}
            added = httpx.post(urls["A"] + "/documents", json=doc, headers=KEY, timeout=60)
            assert added.status_code == 201, added.text
            published.append(added.json()["index_version"])
            _wait_for(urls["B"], published[-1])
            answer = httpx.post(
                urls["B"] + "/ask", json={"question": f"When does ferry {i} leave?"}
            )
            assert f"{i + 6} am" in answer.json()["quotes"][0]["text"]
            gone = httpx.delete(f"{urls['A']}/documents/{added.json()['id']}", headers=KEY)
            assert gone.status_code == 200
            published.append(gone.json()["index_version"])
            _wait_for(urls["B"], published[-1])
        with layout.writer_lock(settings.index_dir):  # a write elsewhere holds the index
            busy = httpx.post(urls["B"] + "/documents", json=doc, headers=KEY, timeout=60)
        assert busy.status_code == 409 and busy.json()["error"]["code"] == "index_busy"
    finally:
        stop.set()
        for t in clients:
            t.join()
        a.close()
        b.close()
    assert failures == []
    assert len(seen["A"]) > 1 and len(seen["B"]) > 1  # both answered across versions
    assert seen["A"] | seen["B"] <= {first, *published}  # only versions the writer published
