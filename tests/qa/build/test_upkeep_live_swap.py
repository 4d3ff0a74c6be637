"""A live server keeps answering, with zero failures, while its index is replaced under it."""

from __future__ import annotations

import threading

import httpx

from harness.corpora import DOCS
from qa.api.app import create_app
from qa.build.build import build_index
from qa.corpus.loader import document_id
from qa.index import layout
from qa.index.store import VersionReader
from qa.runtime import Runtime
from tests.support.settings import corpus_settings

QUESTION = "What is the vault code?"
SWAPS = 6
MIN_REQUESTS_PER_CLIENT = 150


def _vault(code: int) -> str:
    return f"Vault\n\nThe vault code is {code}. Only the night guard knows the vault code.\n"


def test_answers_stay_consistent_with_one_version_while_the_index_is_replaced(
    tmp_path, embedder, serve_app
):
    settings = corpus_settings(tmp_path, dict(DOCS, **{"vault.txt": _vault(1000)}), api_key="k")
    first = build_index(settings, embedder)
    runtime = Runtime.build(settings, embedder)
    runtime.live.watch(0.05)  # as `qa serve` does: picks up versions other writers publish
    url = serve_app(create_app(runtime, plugins=False))

    texts: dict[str, dict[str, str]] = {}  # version -> document id -> text
    codes: dict[str, int] = {}

    def record(version: str, code: int) -> None:
        folder = settings.index_dir / "versions" / version
        texts[version] = {d.id: d.text for d in VersionReader(folder).documents.values()}
        codes[version] = code

    record(first.version, 1000)
    responses: list[dict] = []
    failures: list[str] = []
    swaps_done = threading.Event()

    def client() -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            sent = 0
            while sent < MIN_REQUESTS_PER_CLIENT or not swaps_done.is_set():
                r = http.post("/ask", json={"question": QUESTION})
                sent += 1
                if r.status_code != 200:
                    failures.append(f"{r.status_code}: {r.text}")
                else:
                    responses.append(r.json())

    clients = [threading.Thread(target=client) for _ in range(2)]
    for c in clients:
        c.start()
    try:
        for swap in range(1, SWAPS + 1):
            code = 1000 + swap
            if swap % 2:  # another process's `qa index`, seen through polling
                (settings.corpus_dir / "vault.txt").write_text(_vault(code))
                version = build_index(settings, embedder, lock_timeout=30).version
            else:  # a replacement through the API, served before the call returns
                r = httpx.put(
                    f"{url}/documents/{document_id('vault.txt')}",
                    headers={"X-API-Key": "k"},
                    files={"file": ("vault.txt", _vault(code).encode(), "text/plain")},
                    timeout=60,
                )
                assert r.status_code == 200 and r.json()["action"] == "replaced", r.text
                version = r.json()["index_version"]
            record(version, code)
    finally:
        swaps_done.set()
        for c in clients:
            c.join()
        runtime.close()

    assert failures == []
    assert len(responses) >= 2 * MIN_REQUESTS_PER_CLIENT
    seen = {r["index_version"] for r in responses}
    assert seen <= set(texts) and len(seen) >= 3
    for r in responses:
        docs = texts[r["index_version"]]
        for q in r["quotes"] + r["passages"]:
            assert docs[q["document"]["id"]][q["start"] : q["end"]] == q["text"]
        assert r["quotes"], r
        top = r["quotes"][0]["text"]
        assert f"code is {codes[r['index_version']]}" in top, (r["index_version"], top)


def test_a_version_in_use_is_not_pruned_until_its_reader_is_gone(tmp_path, embedder):
    settings = corpus_settings(tmp_path)
    old = build_index(settings, embedder).version
    reader = VersionReader(settings.index_dir / "versions" / old)
    for i in range(layout.KEEP_VERSIONS + 1):
        (settings.corpus_dir / f"extra{i}.txt").write_text(f"Extra {i}\n\nFiller number {i}.\n")
        build_index(settings, embedder)

    # A worker thread that never touched this version opens its SQLite file only now.
    hits: list = []
    worker = threading.Thread(
        target=lambda search: hits.extend(search(["falcon"], 3)), args=(reader.lexical_search,)
    )
    worker.start()
    worker.join()
    assert hits and (settings.index_dir / "versions" / old).is_dir()

    del reader
    (settings.corpus_dir / "last.txt").write_text("Last\n\nThe last one.\n")
    build_index(settings, embedder)
    assert not (settings.index_dir / "versions" / old).exists()
