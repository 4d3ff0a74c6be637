"""`qa index --ray`: the index a Ray build publishes answers as a local build's does.

Every build here runs on one local Ray instance with 2 CPUs, started once for the module;
each build starts its own pool of actors, and each actor loads its own copy of the real
model. Skipped when the ray extra is not installed (`pip install -e ".[ray]"`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ray", reason='the ray extra is not installed: pip install -e ".[ray]"')

from harness.corpora import ARTICLE, SHIPPED_CORPUS  # noqa: E402
from qa.build import distributed  # noqa: E402
from qa.build.build import build_index  # noqa: E402
from qa.build.contents import split_documents, view_keys  # noqa: E402
from qa.build.distributed import EmbedWriter  # noqa: E402
from qa.build.pooling import Pooled  # noqa: E402
from qa.errors import DistributedBuildFailed  # noqa: E402
from qa.index import layout  # noqa: E402
from qa.index.store import VersionReader  # noqa: E402
from qa.index.views import CHUNKS, VECTOR_FILES  # noqa: E402
from qa.model.backends import resolve_backend  # noqa: E402
from qa.runtime import Runtime  # noqa: E402
from tests.support.embedders import FakeEmbedder  # noqa: E402
from tests.support.settings import corpus_settings, folder_args, make_settings  # noqa: E402

QUESTIONS = [
    "How many hectares of coca were under cultivation in Peru in 2019?",
    "What was the potential annual cocaine production?",
    "When did the Peruvian Congress vote to remove President Vizcarra?",
    "Who leads the counterdrug agency DEVIDA?",
    "What is the fastest bird?",
    "When did Mount Etna last erupt?",
    "How long does sourdough dough ferment?",
    "What is the capital of Mongolia?",  # not in the documents: both abstain alike
]


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray instance with 2 CPUs for the module; builds join it."""
    with distributed.ray_session(make_settings(Path("corpus"), Path("index")), cpus=2) as ray:
        yield ray


def _corpus(root: Path, **extra):
    settings = corpus_settings(root, **extra)
    (settings.corpus_dir / ARTICLE).write_bytes((SHIPPED_CORPUS / ARTICLE).read_bytes())
    return settings


def _reader(settings) -> VersionReader:
    return VersionReader(layout.current_folder(settings.index_dir))


def _quotes(service, question: str):
    answer = service.ask(question)
    return answer.answered, [(q.document.id, q.start, q.end, q.text) for q in answer.quotes]


def test_a_ray_build_answers_every_question_as_a_local_build(tmp_path, embedder, local_ray):
    local = _corpus(tmp_path)
    on_ray = local.model_copy(update={"index_dir": tmp_path / "ray-index"})

    expected = build_index(local, embedder)
    report = distributed.build_index(on_ray)

    assert (report.documents, report.chunks, report.sentences) == (
        expected.documents,
        expected.chunks,
        expected.sentences,
    )
    assert report.added == expected.added and not report.skipped
    assert report.segments == 2  # one per worker, each written by the worker itself
    a, b = _reader(local), _reader(on_ray)
    assert a.documents == b.documents
    for doc_id in a.documents:
        a_sentences, b_sentences = a.sentence_rows(doc_id), b.sentence_rows(doc_id)
        a_chunks, b_chunks = a.chunk_rows(doc_id), b.chunk_rows(doc_id)
        assert [a.sentences[r] for r in a_sentences] == [b.sentences[r] for r in b_sentences]
        assert [a.chunks[r] for r in a_chunks] == [b.chunks[r] for r in b_chunks]
        for view in VECTOR_FILES:
            rows = (a_chunks, b_chunks) if view == CHUNKS else (a_sentences, b_sentences)
            np.testing.assert_allclose(
                a.vectors(view, rows[0]), b.vectors(view, rows[1]), atol=1e-3, err_msg=view
            )
    local_service = Runtime.build(local, embedder).service
    ray_service = Runtime.build(on_ray, embedder).service
    answered = 0
    for question in QUESTIONS:
        mine = _quotes(ray_service, question)
        assert mine == _quotes(local_service, question), question
        answered += mine[0]
    assert answered >= 5  # the comparison covers real answers, not only abstentions


def _texts(settings, path: str) -> set[str]:
    """Every text the build embeds or reads for pooling for the corpus file ``path``."""
    from qa.corpus.loader import load_file

    [(doc, chunks, sentences)] = split_documents(settings, [load_file(settings.corpus_dir, path)])
    keys = {k for ks in view_keys(doc, chunks, sentences).values() for k in ks}
    return {k.source if isinstance(k, Pooled) else k for k in keys}


def test_an_incremental_ray_build_embeds_only_what_changed(tmp_path, embedder, local_ray):
    on_ray = corpus_settings(tmp_path)
    local = on_ray.model_copy(update={"index_dir": tmp_path / "local-index"})
    build_index(local, embedder)
    first = distributed.build_index(on_ray)
    corpus = on_ray.corpus_dir

    (corpus / "tea.txt").write_text("Green tea\n\nMatcha is a powdered green tea from Japan.\n")
    added = distributed.build_index(on_ray)
    assert (added.added, added.updated, added.removed, added.unchanged) == (["tea.txt"], [], [], 3)
    assert added.embedded == len(_texts(on_ray, "tea.txt")) == build_index(local, embedder).embedded
    segments = _reader(on_ray).parts
    assert [p.segment.id for p in segments[:-1]] == [p.segment.id for p in _parts(first, on_ray)]
    assert [d.path for d in segments[-1].segment.documents.values()] == ["tea.txt"]

    etna = (corpus / "volcano.txt").read_text().replace("2021", "2024")
    (corpus / "volcano.txt").write_text(etna)
    edited = distributed.build_index(on_ray)
    twin = build_index(local, embedder)
    assert (edited.added, edited.updated, edited.unchanged) == ([], ["volcano.txt"], 3)
    assert 0 < edited.embedded == twin.embedded < len(_texts(on_ray, "volcano.txt"))
    assert edited.reused == twin.reused > 0  # the unchanged sentences' vectors are copied
    answer = Runtime.build(on_ray, embedder).service.ask("When did Mount Etna last erupt?")
    cited = " ".join(q.text for q in (*answer.quotes, *answer.passages))
    assert "2024" in cited and "2021" not in cited

    again = distributed.build_index(on_ray)
    assert not again.changed and again.version == edited.version and again.embedded == 0


def _parts(report, settings):
    folder = layout.versions_dir(settings.index_dir) / report.version
    return VersionReader(folder).parts


class DiesOnce(EmbedWriter):
    """An actor whose process is killed (SIGKILL) in its first batch of the build."""

    def __call__(self, batch):
        marker = self.settings.index_dir.parent / "worker-killed"
        if not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return super().__call__(batch)


class AlwaysDies(EmbedWriter):
    """An actor killed after writing each segment (with a fast fake model: none of its
    segments is ever published)."""

    def load_embedder(self, settings):
        from qa.runtime import build_embedder

        return FakeEmbedder(build_embedder(settings).name, 384)  # the name, not the model

    def __call__(self, batch):
        out = super().__call__(batch)
        os.kill(os.getpid(), signal.SIGKILL)
        return out


def test_a_killed_worker_is_restarted_and_its_batch_retried(tmp_path, embedder, local_ray):
    settings = corpus_settings(tmp_path, ray_workers=1)
    report = distributed.build_index(settings, actor=DiesOnce)
    assert (tmp_path / "worker-killed").exists()  # it did die, once
    assert report.documents == 3 and report.segments == 1
    answer = Runtime.build(settings, embedder).service.ask("What is the fastest bird?")
    assert answer.answered and "peregrine" in answer.quotes[0].text


def test_a_build_that_cannot_finish_publishes_nothing(tmp_path, embedder, local_ray):
    settings = corpus_settings(tmp_path, ray_workers=1)
    before = build_index(settings, embedder)
    (settings.corpus_dir / "tea.txt").write_text("Green tea\n\nMatcha is from Japan.\n")

    with pytest.raises(DistributedBuildFailed, match="nothing was published"):
        distributed.build_index(settings, actor=AlwaysDies)

    assert layout.current_version(settings.index_dir) == before.version
    segments = layout.segments_dir(settings.index_dir)
    listed = {p.segment.id for p in _reader(settings).parts}
    orphans = {p.name for p in segments.iterdir()} - listed
    # the first attempt and each retry wrote a segment before its worker died; then Ray
    # gave up instead of retrying for ever (its default)
    assert len(orphans) == distributed.MAX_RETRIES + 1
    after = build_index(settings, embedder)  # the next publish prunes them
    assert after.added == ["tea.txt"]
    assert not orphans & {p.name for p in segments.iterdir()}
    assert not list(settings.index_dir.glob("tmp-*"))


def test_an_unreachable_cluster_fails_fast_and_publishes_nothing(tmp_path):
    settings = corpus_settings(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "SLACK_"))}
    env["QA_RAY_CONNECT_TIMEOUT"] = "2"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "qa", "index", "--ray", "127.0.0.1:1", *folder_args(settings)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert time.monotonic() - started < 30  # ray.init alone would retry for minutes
    assert done.returncode == 7, done.stderr
    assert "no Ray cluster answers at 127.0.0.1:1" in done.stderr
    assert "Traceback" not in done.stderr
    assert layout.current_version(settings.index_dir) is None


def test_workers_embed_in_the_precision_the_driver_picked(tmp_path):
    """``auto`` is resolved once, where the build starts: a worker on a CPU without bf16
    must not pick fp32 for an index whose name says bf16 (nor the other way round)."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    picked = distributed._absolute(make_settings(corpus, index, backend="auto")).backend

    assert picked == resolve_backend("auto") and picked in ("torch", "torch-bf16")
    assert distributed._absolute(make_settings(corpus, index, backend="openvino")).backend == (
        "openvino"
    )
