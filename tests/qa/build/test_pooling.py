"""Views pooled from one pass over each chunk: spans, homes, fallbacks and reuse."""

from __future__ import annotations

import json

import numpy as np

from qa.build import contents
from qa.build.build import build_index
from qa.build.contents import segment_data, split_documents, view_keys
from qa.build.pooling import Pooled, home_chunks
from qa.build.progress import Progress
from qa.corpus.loader import load_corpus
from qa.index import layout
from qa.index.lexical import ANALYSIS
from qa.index.store import VersionReader
from qa.index.views import CHUNKS, POOLED, chunk_input
from qa.model.tokens import TokenPass
from qa.models import Chunk, Document, Sentence
from tests.support.embedders import FakeEmbedder
from tests.support.settings import corpus_settings

VIEW = next(iter(POOLED))  # the pooled view (title, sentence before, sentence)


def _document(text: str, title: str = "Rivers") -> Document:
    return Document(
        id="d1", title=title, source="rivers.txt", path="rivers.txt", text=text, content_hash="h"
    )


def _sentences(doc: Document, pieces: list[str]) -> list[Sentence]:
    out, at = [], 0
    for piece in pieces:
        start = doc.text.index(piece, at)
        out.append(Sentence(doc.id, start, start + len(piece), piece))
        at = start + len(piece)
    return out


def _chunk(doc: Document, start: int, end: int) -> Chunk:
    return Chunk(f"c{start}", doc.id, start, end, doc.text[start:end])


def test_a_chunk_pass_pools_to_the_chunks_own_embedding(embedder):
    texts = ["Rivers\n\nThe Amazon is long. It carries more water than any other river."]
    (read,) = embedder.embed_tokens(texts)
    assert np.abs(read.whole() - embedder.embed(texts)[0]).max() < 1e-5
    assert (read.offsets[0] == 0).all()  # [CLS]: a special token, never inside a span
    pooled = read.pool(((8, 28),))  # "The Amazon is long."
    starts, ends = read.offsets[:, 0], read.offsets[:, 1]
    inside = (ends > starts) & (starts >= 8) & (ends <= 28)
    assert 0 < inside.sum() < len(starts) - 2
    expected = read.vectors[inside].mean(0)
    assert np.allclose(pooled, expected / np.linalg.norm(expected), atol=1e-6)
    assert read.pool(((500, 600),)) is None  # no token there


def test_each_sentence_is_read_in_the_chunk_that_holds_its_neighbours():
    pieces = ["One is here.", "Two is here.", "Three is here.", "Four is here."]
    doc = _document(" ".join(pieces))
    s = _sentences(doc, pieces)
    # two overlapping chunks: the second and third sentences are in both
    first, second = _chunk(doc, 0, s[2].end + 2), _chunk(doc, s[1].start, len(doc.text))
    homes = home_chunks([second, first], s)  # any order
    assert homes == [1, 1, 0, 0]  # "Two": the first holds the sentence before it
    cut = _chunk(doc, 0, s[1].end - 3)  # ends inside "Two is here."
    assert home_chunks([cut], s) == [0, None, None, None]


def test_pooled_spans_name_the_title_the_sentence_before_and_the_sentence():
    pieces = ["The Nile flows north.", "It ends in a delta.", "Cairo lies on it."]
    doc = _document(" ".join(pieces), title="The Nile")
    s = _sentences(doc, pieces)
    chunks = [_chunk(doc, 0, s[1].end), _chunk(doc, s[1].start, len(doc.text))]
    keys = view_keys(doc, chunks, s)
    assert keys[CHUNKS] == [chunk_input(doc, c) for c in chunks]
    for i, key in enumerate(keys[VIEW]):
        assert isinstance(key, Pooled)
        read = [key.source[a:b] for a, b in key.spans]
        assert read[0] == "The Nile" and read[-1] == pieces[i]
        assert read[1:-1] == ([pieces[i - 1]] if i else [])
    # both chunks end or start at the second sentence: it is read where its predecessor is
    assert keys[VIEW][2].source == chunk_input(doc, chunks[1])
    assert keys[VIEW][1].text.startswith("The Nile. The Nile flows north.")


class Truncating(FakeEmbedder):
    """Reads at most ``limit`` words of each text, as a model cuts long inputs."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def embed_tokens(self, texts: list[str]) -> list[TokenPass]:
        return [
            TokenPass(p.vectors[: self.limit], p.offsets[: self.limit])
            for p in super().embed_tokens(texts)
        ]


def test_a_sentence_beyond_the_models_input_or_in_no_chunk_is_embedded_alone(tmp_path):
    pieces = ["Alpha river runs.", "Beta river runs far.", "Gamma river runs farther still."]
    doc = _document(" ".join(pieces))
    s = _sentences(doc, pieces)
    chunks = [_chunk(doc, 0, s[1].end), _chunk(doc, s[2].start, s[2].end - 4)]  # 3rd cut
    fake = Truncating(limit=4)  # "Rivers", "Alpha", "river", "runs."
    data, embedded, _ = segment_data(fake, [(doc, chunks, s)], lambda keys: {}, Progress(False))
    rows = data.vectors(VIEW)
    keys = view_keys(doc, chunks, s)[VIEW]
    by_pass = fake.embed_tokens([keys[0].source])[0].pool(keys[0].spans)
    assert np.allclose(rows[0], by_pass)  # read in the pass
    assert isinstance(keys[1], Pooled) and isinstance(keys[2], str)
    alone = fake.embed([keys[1].text, keys[2]])  # cut after 4 tokens; in no chunk whole
    assert np.allclose(rows[1:], alone)
    # one pass (the first chunk), the second chunk, three sentences, two contexts alone
    assert embedded == 1 + 1 + 3 + 2


def test_an_edit_reads_again_only_the_chunks_that_changed(tmp_path):
    text = "Rivers\n\n" + " ".join(
        f"The river number {i} flows {i * 3} kilometres through town {i}." for i in range(40)
    )
    settings = corpus_settings(tmp_path, {"rivers.txt": text})
    fake = FakeEmbedder()
    build_index(settings, fake)
    before = _chunk_inputs(settings)

    (settings.corpus_dir / "rivers.txt").write_text(text.replace("town 39.", "city 39."))
    fake.calls.clear()
    report = build_index(settings, fake)

    after = _chunk_inputs(settings)
    passed = [t for call in fake.calls for t in call if t.startswith("Rivers\n\n")]
    assert set(passed) == after - before and len(passed) == 1  # only the last chunk
    assert report.reused > 0


def _chunk_inputs(settings) -> set[str]:
    documents, _ = load_corpus(settings.corpus_dir)
    return {
        chunk_input(d, c) for d, chunks, _ in split_documents(settings, documents) for c in chunks
    }


def test_an_index_from_before_pooling_is_rewritten_and_its_contexts_never_reused(tmp_path):
    settings = corpus_settings(tmp_path, {"rivers.txt": "Rivers\n\nThe Nile flows. It is long."})
    fake = FakeEmbedder()
    build_index(settings, fake)
    manifest = layout.current_folder(settings.index_dir) / "manifest.json"
    raw = json.loads(manifest.read_text())
    del raw["chunking"]["pooled"]  # what an index built before pooled views records
    manifest.write_text(json.dumps(raw))

    fake.calls.clear()
    report = build_index(settings, fake)

    assert report.changed and report.reused > 0  # chunks and sentences: same texts
    read = [t for call in fake.calls for t in call]
    assert set(read) == _chunk_inputs(settings) and len(read) == len(
        set(read)
    )  # every chunk read again, nothing else embedded
    current = json.loads((layout.current_folder(settings.index_dir) / "manifest.json").read_text())
    assert current["chunking"]["pooled"] == ["contexts=title+previous+sentence"]


def test_an_index_from_before_ordinals_were_numerals_is_rewritten_without_embedding(tmp_path):
    text = "Series\n\nThe third part of the series is about China. Part 1 was on politics."
    settings = corpus_settings(tmp_path, {"series.txt": text})
    fake = FakeEmbedder()
    build_index(settings, fake)
    manifest = layout.current_folder(settings.index_dir) / "manifest.json"
    raw = json.loads(manifest.read_text())
    del raw["chunking"]["analysis"]  # what an index built before ordinals records
    manifest.write_text(json.dumps(raw))

    fake.calls.clear()
    report = build_index(settings, fake)

    assert report.changed and report.embedded == 0 and report.reused > 0
    assert not [t for call in fake.calls for t in call]  # every vector copied
    folder = layout.current_folder(settings.index_dir)
    assert json.loads((folder / "manifest.json").read_text())["chunking"]["analysis"] == ANALYSIS
    assert VersionReader(folder).lexical_search(["3"], 5)  # "third" is now held as "3"


def test_token_vectors_are_read_a_batch_of_chunks_at_a_time(tmp_path, monkeypatch):
    """A million-sentence build must not hold every chunk's token vectors at once."""
    text = "Rivers\n\n" + " ".join(f"River {i} flows {i} km to town {i}." for i in range(200))
    settings = corpus_settings(tmp_path, {"rivers.txt": text})
    splits = split_documents(settings, _documents(settings))
    whole = segment_data(FakeEmbedder(), splits, lambda keys: {}, Progress(False))[0]

    monkeypatch.setattr(contents, "PASS_BATCH", 2)
    fake = FakeEmbedder()
    batched = segment_data(fake, splits, lambda keys: {}, Progress(False))[0]

    passes = [call for call in fake.calls if call and call[0].startswith("Rivers\n\n")]
    assert len(splits[0][1]) > 4 and passes and max(map(len, passes)) <= 2
    assert np.array_equal(batched.vectors(VIEW), whole.vectors(VIEW))
    assert np.array_equal(batched.vectors(CHUNKS), whole.vectors(CHUNKS))


def _documents(settings):
    documents, _ = load_corpus(settings.corpus_dir)
    return documents
