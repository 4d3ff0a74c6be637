"""Questions never wait for a build; concurrent questions share one model call; /readyz
waits for the model; tests never read what a user keeps in corpus/."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

from harness.corpora import ARTICLE, SHIPPED_CORPUS
from qa.api.app import create_app
from qa.model.batching import MicroBatcher
from qa.runtime import Runtime, build_embedder


def test_a_question_is_answered_while_a_build_holds_the_build_model(service, embedder):
    """The build copy of the model is locked, as during a long upload: a question that
    shared its lock would hang here; with its own copy it is answered."""
    answers = []
    with embedder._build.lock:
        asker = threading.Thread(
            target=lambda: answers.append(service.ask("Who leads DEVIDA?")), daemon=True
        )
        asker.start()
        asker.join(timeout=120)
        assert not asker.is_alive(), "the question waited for the build"
    assert "Ruben Vargas" in answers[0].quotes[0].text


def test_batched_question_vectors_match_single_ones(embedder):
    questions = ["Who leads DEVIDA?", "How many hectares of coca?", "Where is La Pampa?"]
    alone = [embedder.embed_query(q) for q in questions]  # each asked alone: a batch of one
    results: dict[str, np.ndarray] = {}
    threads = [
        threading.Thread(target=lambda q=q: results.__setitem__(q, embedder.embed_query(q)))
        for q in questions * 4
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for q, single in zip(questions, alone):
        assert np.allclose(results[q], single, atol=1e-5)


def test_concurrent_callers_are_served_in_fewer_model_calls():
    started, release = threading.Event(), threading.Event()
    calls: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        if len(calls) == 1:  # hold the first call so that the others queue behind it
            started.set()
            release.wait(10)
        return np.array([[float(len(t))] for t in texts])

    batcher = MicroBatcher(encode, max_batch=64)
    out: dict[str, float] = {}
    first = threading.Thread(target=lambda: out.__setitem__("x", batcher.embed_one("x")[0]))
    first.start()
    assert started.wait(10)
    texts = [f"q{'?' * i}" for i in range(10)]
    others = [
        threading.Thread(target=lambda t=t: out.__setitem__(t, batcher.embed_one(t)[0]))
        for t in texts
    ]
    for t in others:
        t.start()
    deadline = time.monotonic() + 10
    while batcher.queued() < len(texts) and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    for t in [first, *others]:
        t.join(10)

    assert out == {"x": 1.0, **{t: float(len(t)) for t in texts}}  # each caller its own row
    assert len(calls) == 2 and sorted(calls[1]) == sorted(texts)


def test_an_error_in_the_model_reaches_every_waiting_caller():
    def encode(texts):
        raise RuntimeError("model exploded")

    batcher = MicroBatcher(encode)
    for _ in range(2):  # and the worker survives it
        with pytest.raises(RuntimeError, match="model exploded"):
            batcher.embed_one("q")


def test_readyz_waits_for_the_question_model(shipped_index, serve_app):
    cold = build_embedder(shipped_index)  # as `qa serve` builds it, not loaded yet
    url = serve_app(create_app(Runtime.build(shipped_index, cold), plugins=False))

    warming = httpx.get(url + "/readyz")
    assert warming.status_code == 503 and warming.json()["error"]["code"] == "warming_up"
    assert httpx.get(url + "/healthz").status_code == 200
    cold.warm(builds=False)
    ready = httpx.get(url + "/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_the_shared_index_holds_only_the_shipped_article_copied(shipped_index):
    corpus = shipped_index.corpus_dir
    assert corpus.resolve() != SHIPPED_CORPUS.resolve()
    assert [p.name for p in corpus.iterdir()] == [ARTICLE]


def test_the_configured_torch_threads_hold_in_a_fresh_process(tmp_path):
    """QA_TORCH_THREADS caps torch's pool when the model loads, whatever the core count."""
    script = (
        "import torch; from qa.runtime import build_embedder; from qa.settings import Settings;"
        "e = build_embedder(Settings(_env_file=None)); e.embed_query('x');"
        "print(torch.get_num_threads())"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "OMP_", "MKL_"))}
    for setting, expected in (("1", 1), ("2", 2)):
        done = subprocess.run(
            [sys.executable, "-c", script],
            env={**env, "QA_TORCH_THREADS": setting},
            cwd=Path(__file__).resolve().parents[3],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert int(done.stdout.split()[-1]) == expected
