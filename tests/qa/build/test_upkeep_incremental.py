"""`qa index` on a changing corpus: only what changed is parsed and embedded, answers follow."""

from __future__ import annotations

import numpy as np
import pytest

from qa.build.build import build_index
from qa.build.contents import split_document
from qa.corpus.chunker import Chunker
from qa.corpus.loader import document_id
from qa.errors import DocumentNotFound
from qa.index import layout
from qa.index.live import LiveIndex
from qa.index.store import VersionReader
from qa.index.views import chunk_input
from qa.runtime import Runtime
from tests.support.answers import cited_titles
from tests.support.embedders import CountingEmbedder, FakeEmbedder
from tests.support.settings import corpus_settings


def test_add_edit_delete_rename_change_the_answers(tmp_path, embedder):
    settings = corpus_settings(tmp_path)
    counting = CountingEmbedder(embedder)
    first = build_index(settings, counting)
    assert (len(first.added), first.unchanged, first.documents) == (3, 0, 3)
    service = Runtime.build(settings, embedder).service
    assert "Falcons" in cited_titles(service.ask("What is the fastest bird?"))

    again = build_index(settings, counting)
    assert not again.changed and again.version == first.version and again.embedded == 0

    corpus = settings.corpus_dir
    (corpus / "tea.txt").write_text("Green tea\n\nMatcha is a powdered green tea from Japan.\n")
    added = build_index(settings, counting)
    assert (added.added, added.updated, added.removed, added.unchanged) == (["tea.txt"], [], [], 3)
    assert 0 < added.embedded < first.embedded
    service.live.refresh()
    answer = service.ask("Where does matcha come from?")
    assert answer.index_version == added.version
    assert answer.passages[0].document.title == "Green tea"

    etna = (corpus / "volcano.txt").read_text().replace("2021", "2024")
    (corpus / "volcano.txt").write_text(etna)
    edited = build_index(settings, counting)
    assert (edited.added, edited.updated, edited.unchanged) == ([], ["volcano.txt"], 3)
    service.live.refresh()
    answer = service.ask("When did Mount Etna last erupt?")
    cited = " ".join(q.text for q in (*answer.quotes, *answer.passages))
    assert "2024" in cited and "2021" not in cited

    falcon_id = document_id("falcons.txt")
    (corpus / "falcons.txt").unlink()
    deleted = build_index(settings, counting)
    assert deleted.removed == ["falcons.txt"] and deleted.embedded == 0
    service.live.refresh()
    assert "Falcons" not in cited_titles(service.ask("What is the fastest bird?"))
    _, passages = service.search("peregrine falcon diving speed", top_k=10)
    assert all(p.document.id != falcon_id for p in passages)
    with pytest.raises(DocumentNotFound):
        service.document(falcon_id)

    (corpus / "baking").mkdir()
    (corpus / "bread.md").rename(corpus / "baking" / "bread.md")
    counting.texts.clear()
    renamed = build_index(settings, counting)
    assert (renamed.added, renamed.removed) == (["baking/bread.md"], ["bread.md"])
    assert renamed.embedded == 0 and counting.texts == []  # same text: every vector cached
    service.live.refresh()
    answer = service.ask("How long does sourdough ferment?")
    assert answer.passages[0].document.id == document_id("baking/bread.md")
    assert document_id("bread.md") not in {q.document.id for q in answer.passages}
    with pytest.raises(DocumentNotFound):
        service.document(document_id("bread.md"))


LONG = "Rivers\n\n" + " ".join(
    f"The river number {i} flows {i * 3} kilometres through the valley of town {i}."
    for i in range(40)
)


def test_changing_chunk_size_embeds_only_new_chunk_texts(tmp_path, embedder):
    settings = corpus_settings(tmp_path, {"rivers.txt": LONG, "falcons.txt": "Falcons\n\nFast."})
    counting = CountingEmbedder(embedder)
    build_index(settings, counting)

    def chunk_texts(s) -> set[str]:
        reader = VersionReader(layout.current_folder(s.index_dir))
        chunker = Chunker(s.chunk_size, s.chunk_overlap)
        docs = reader.documents.values()
        return {chunk_input(d, c) for d in docs for c in split_document(d, chunker)[0]}

    before = chunk_texts(settings)
    smaller = settings.model_copy(update={"chunk_size": 300, "chunk_overlap": 50})
    counting.texts.clear()
    report = build_index(smaller, counting)

    assert report.changed and report.unchanged == 2
    after = chunk_texts(smaller)
    assert after != before
    assert set(counting.texts) == after - before  # no sentence or context re-embedded
    assert report.embedded == len(after - before)


def test_full_rebuild_reembeds_everything(tmp_path, embedder):
    settings = corpus_settings(tmp_path)
    counting = CountingEmbedder(embedder)
    first = build_index(settings, counting)
    texts_first = set(counting.texts)
    counting.texts.clear()
    full = build_index(settings, counting, full=True)
    assert full.rebuilt_reason == "full rebuild requested"
    assert full.version != first.version and full.embedded == first.embedded  # once per text
    assert set(counting.texts) == texts_first  # every text again, none from the cache
    assert len(full.added) == 3


def test_a_different_model_rebuilds_everything_and_never_mixes_vectors(tmp_path):
    settings = corpus_settings(tmp_path)
    model_a, model_b = FakeEmbedder("fake-a"), FakeEmbedder("fake-b")
    build_index(settings, model_a)
    live_a = LiveIndex(settings.index_dir, "fake-a")
    assert live_a.current().manifest.model == "fake-a"

    report = build_index(settings, model_b)

    assert "'fake-a'" in report.rebuilt_reason and "'fake-b'" in report.rebuilt_reason
    reader = VersionReader(layout.current_folder(settings.index_dir))
    assert reader.manifest.model == "fake-b"
    expected = model_b.embed(
        [chunk_input(reader.documents[c.document_id], c) for c in reader.chunks]
    )
    stored = reader.vectors("chunks", list(range(len(reader.chunks))))
    assert np.allclose(stored, expected, atol=1e-3)  # float16 codes: 3 significant digits
    # A server configured for model A keeps its version and says why it won't load B's.
    assert live_a.refresh() is False
    assert "fake-b" in live_a.problem and live_a.version != reader.version


def test_deleted_rows_are_dropped_by_a_merge_and_never_answered_before(tmp_path, embedder):
    settings = corpus_settings(tmp_path)
    counting = CountingEmbedder(embedder)
    build_index(settings, counting)
    falcon_id = document_id("falcons.txt")
    (settings.corpus_dir / "falcons.txt").unlink()
    shrunk = build_index(settings, counting)
    assert shrunk.embedded == 0 and shrunk.segments == 1
    reader = VersionReader(layout.current_folder(settings.index_dir))
    assert reader.manifest.segments[0].deleted == (falcon_id,)
    assert falcon_id not in {
        reader.chunks[r].document_id
        for r, _ in reader.dense_search("chunks", embedder.embed_query("falcon"), 50)
    }

    optimized = build_index(settings, counting, optimize=True)
    assert optimized.merged == 1 and optimized.embedded == 0 and optimized.segments == 1
    reader = VersionReader(layout.current_folder(settings.index_dir))
    assert reader.manifest.segments[0].deleted == ()
    assert falcon_id not in {c.document_id for c in reader.chunks}  # the rows are gone
    assert len(reader.sentences) == shrunk.sentences == optimized.sentences

    counting.texts.clear()
    (settings.corpus_dir / "falcons.txt").write_text(
        "Falcons\n\nThe peregrine falcon is the fastest bird.\n", encoding="utf-8"
    )
    readded = build_index(settings, counting)
    assert readded.embedded == len(set(counting.texts)) > 0  # its vectors had been dropped
