"""Segments: an update writes a segment of its own size, leaves the others untouched, and
the index answers exactly as a full build of the same corpus would."""

from __future__ import annotations

import numpy as np
import pytest

from qa.build.build import build_index
from qa.corpus.loader import document_id
from qa.errors import IndexTooLarge
from qa.index import layout
from qa.index.segment import sha256
from qa.index.store import VersionReader
from qa.index.views import CHUNKS, SENTENCES, VECTOR_FILES
from qa.runtime import Runtime
from tests.support.answers import cited_titles
from tests.support.embedders import FakeEmbedder
from tests.support.settings import corpus_settings, make_settings

RIVERS = "Rivers\n\n" + " ".join(
    f"The river number {i} flows {i * 3} kilometres through the valley of town {i}."
    for i in range(60)
)


def _reader(settings) -> VersionReader:
    return VersionReader(layout.current_folder(settings.index_dir))


def _files(settings, segment_id: str) -> dict[str, tuple[str, int]]:
    folder = layout.segments_dir(settings.index_dir) / segment_id
    return {p.name: (sha256(p), p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_an_update_adds_a_small_segment_and_never_rewrites_the_others(tmp_path, embedder):
    settings = corpus_settings(tmp_path, {"rivers.txt": RIVERS, "falcons.txt": "Falcons\n\nFast."})
    build_index(settings, embedder)
    base = _reader(settings).manifest.segments[0].id
    before = _files(settings, base)

    (settings.corpus_dir / "tea.txt").write_text("Green tea\n\nMatcha is a powdered tea.\n")
    report = build_index(settings, embedder)

    refs = _reader(settings).manifest.segments
    assert [r.id for r in refs][0] == base and len(refs) == report.segments == 2
    assert _files(settings, base) == before  # not one byte of the old segment touched
    new = layout.segments_dir(settings.index_dir) / refs[1].id
    old = layout.segments_dir(settings.index_dir) / base
    new_bytes = sum(p.stat().st_size for p in new.iterdir())
    old_bytes = sum(p.stat().st_size for p in old.iterdir())
    assert new_bytes < old_bytes / 2  # in proportion to the one short document
    service = Runtime.build(settings, embedder).service
    assert "Green tea" in cited_titles(service.ask("What is matcha?"))


def test_updates_answer_exactly_as_a_full_build_of_the_same_corpus(tmp_path, embedder):
    settings = corpus_settings(tmp_path / "a", {"rivers.txt": RIVERS})
    build_index(settings, embedder)
    corpus = settings.corpus_dir
    (corpus / "tea.txt").write_text("Green tea\n\nMatcha is a powdered green tea from Japan.\n")
    build_index(settings, embedder)
    (corpus / "rivers.txt").write_text(RIVERS.replace("town 7.", "the city of Lyon."))
    build_index(settings, embedder)
    (corpus / "moon.md").write_text("# The Moon\n\nThe Moon orbits the Earth every 27 days.\n")
    build_index(settings, embedder)
    (corpus / "tea.txt").unlink()
    build_index(settings, embedder)
    updated = _reader(settings)
    assert len(updated.manifest.segments) > 1

    fresh = make_settings(corpus, tmp_path / "b" / "index")
    build_index(fresh, embedder)
    full = _reader(fresh)
    assert len(full.manifest.segments) == 1

    assert updated.documents == full.documents
    for doc_id in full.documents:
        spans = [(s.start, s.end) for s in (full.sentences[r] for r in full.sentence_rows(doc_id))]
        assert spans == [
            (s.start, s.end) for s in (updated.sentences[r] for r in updated.sentence_rows(doc_id))
        ]
        for view in VECTOR_FILES:
            rows = full.chunk_rows if view == CHUNKS else full.sentence_rows
            mine = updated.chunk_rows if view == CHUNKS else updated.sentence_rows
            assert np.allclose(
                updated.vectors(view, mine(doc_id)), full.vectors(view, rows(doc_id)), atol=1e-3
            )
    for question in ("Where does the river number 7 flow?", "How often does the Moon orbit?"):
        vector = embedder.embed_query(question)
        top = [updated.sentences[r].text for r, _ in updated.dense_search(SENTENCES, vector, 5)]
        assert top == [full.sentences[r].text for r, _ in full.dense_search(SENTENCES, vector, 5)]
        a = Runtime.build(settings, embedder).service.ask(question)
        b = Runtime.build(fresh, embedder).service.ask(question)
        assert [q.text for q in a.quotes] == [q.text for q in b.quotes]
    assert document_id("tea.txt") not in updated.documents


def test_segments_beyond_the_limit_are_merged_smallest_first(tmp_path):
    settings = corpus_settings(tmp_path, {"rivers.txt": RIVERS}, max_segments=4)
    fake = FakeEmbedder()
    build_index(settings, fake)
    base = _reader(settings).manifest.segments[0].id
    reports = []
    for i in range(6):
        (settings.corpus_dir / f"note{i}.txt").write_text(f"Note {i}\n\nThe code is {i}.\n")
        reports.append(build_index(settings, fake))
    assert all(r.segments <= 4 for r in reports)
    assert any(r.merged for r in reports)
    assert len({r.embedded for r in reports}) == 1  # each its own note's texts: merges embed none
    reader = _reader(settings)
    assert base in {r.id for r in reader.manifest.segments}  # the large one stays as it is
    assert len(reader.documents) == 7 and reader.manifest.counts.documents == 7
    kept = {p.name for p in layout.segments_dir(settings.index_dir).iterdir()}
    listed = {
        r.id
        for v in layout.versions_dir(settings.index_dir).iterdir()
        for r in VersionReader(v).manifest.segments
    }
    assert kept == listed  # merged-away segments no kept version lists are deleted


def test_a_half_deleted_segment_is_rewritten_without_its_deleted_rows(tmp_path):
    docs = {f"doc{i}.txt": f"Doc {i}\n\nThe value is {i}.\n" for i in range(4)}
    settings = corpus_settings(tmp_path, docs)
    fake = FakeEmbedder()
    build_index(settings, fake)
    (settings.corpus_dir / "doc0.txt").unlink()
    assert build_index(settings, fake).merged == 0  # one of four deleted: left as it is
    (settings.corpus_dir / "doc1.txt").unlink()
    report = build_index(settings, fake)
    assert report.merged == 1 and report.embedded == 0
    reader = _reader(settings)
    assert reader.manifest.segments[0].deleted == ()
    assert len(reader.sentences) == report.sentences == 4  # two documents, two sentences each


def test_a_build_shows_one_progress_bar(tmp_path, embedder, capsys):
    settings = corpus_settings(tmp_path)
    build_index(settings, embedder, progress=True)
    err = capsys.readouterr().err
    assert "embedding" in err and "text" in err
    assert "Batches" not in err  # no bar per view from sentence-transformers


def test_a_corpus_that_outgrows_the_memory_allowed_fails_naming_the_setting(tmp_path, capsys):
    from qa import cli

    big = {f"doc{i}.txt": f"Doc {i}\n\n" + "A sentence about things. " * 4000 for i in range(3)}
    settings = corpus_settings(tmp_path, big, max_vector_memory_mb=1)
    with pytest.raises(IndexTooLarge, match="QA_MAX_VECTOR_MEMORY_MB"):
        build_index(settings, FakeEmbedder(dimensions=384))  # the bundled model's size
    assert layout.current_version(settings.index_dir) is None  # nothing published
    assert not list(layout.segments_dir(settings.index_dir).glob("*"))
    argv = ["index", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    env = {"QA_MAX_VECTOR_MEMORY_MB": "1"}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        assert cli.main(argv) == 6
    assert "QA_MAX_VECTOR_MEMORY_MB" in capsys.readouterr().err


def test_the_memory_allowed_is_counted_in_the_models_own_dimensions(tmp_path):
    big = {f"doc{i}.txt": f"Doc {i}\n\n" + "A sentence about things. " * 4000 for i in range(3)}
    settings = corpus_settings(tmp_path, big, max_vector_memory_mb=1)

    report = build_index(settings, FakeEmbedder(dimensions=8))  # 32 bytes a row: it fits

    assert report.sentences > 10_000
    assert layout.current_version(settings.index_dir) == report.version


def test_optimize_re_encodes_vectors_after_the_storage_setting_changes(tmp_path):
    settings = corpus_settings(tmp_path, vector_storage="fp32")
    fake = FakeEmbedder()
    build_index(settings, fake)
    exact = _reader(settings)
    assert exact.parts[0].segment.manifest.codes == "fp32"
    halved = settings.model_copy(update={"vector_storage": "fp16"})
    report = build_index(halved, fake, optimize=True)
    assert report.merged == 1 and report.embedded == 0
    reader = _reader(halved)
    assert reader.parts[0].segment.manifest.codes == "fp16"
    assert reader.vector_bytes < exact.vector_bytes
    rows = list(range(len(reader.sentences)))
    assert np.allclose(reader.vectors(SENTENCES, rows), exact.vectors(SENTENCES, rows), atol=1e-3)
