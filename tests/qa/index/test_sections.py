"""Sections and code spans of an HTML page, through a real index and back."""

from __future__ import annotations

from qa.build import distributed
from qa.build.build import build_index
from qa.corpus.loader import load_bytes
from qa.index.layout import current_folder
from qa.index.store import VersionReader
from tests.support.settings import corpus_settings

PAGE = """<html><head><title>Deploy guide</title></head><body>
<nav class="sidebar"><a href="/">Home</a> <a href="/deploy">Deploy</a></nav>
<main>
<h1 id="deploy">Deploy guide</h1>
<p>The service runs behind a reverse proxy on port 8080.</p>
<section id="rollback"><h2>Rolling back</h2>
<p>A rollback restores the previous release within two minutes.</p>
<pre>kubectl rollout undo deployment/web. It restores the previous release now.</pre>
<p>Every rollback is written to the audit log for a year.</p>
</section>
</main>
<footer>Copyright the team</footer></body></html>"""


def test_sections_and_code_are_stored_and_reloaded_from_a_real_index(tmp_path, embedder):
    settings = corpus_settings(tmp_path, {"guide.html": PAGE})
    parsed = load_bytes("guide.html", PAGE.encode())
    assert [s.label for s in parsed.sections] == ["Deploy guide", "Deploy guide > Rolling back"]
    assert len(parsed.code) == 1

    build_index(settings, embedder)
    reader = VersionReader(current_folder(settings.index_dir), settings.ivf_nprobe)
    stored = reader.documents[parsed.id]

    assert stored.sections == parsed.sections
    assert stored.code == parsed.code
    assert stored.section_at(stored.text.index("A rollback")).anchor == "rollback"
    sentences = [reader.sentences[r] for r in reader.sentence_rows(parsed.id)]
    texts = [s.text for s in sentences]
    assert "Every rollback is written to the audit log for a year." in texts
    assert not any("kubectl" in t for t in texts)  # code is no sentence of its own
    assert not any(stored.in_code(s.start, s.end) for s in sentences)
    chunks = [reader.chunks[r].text for r in reader.chunk_rows(parsed.id)]
    assert any("kubectl rollout undo" in c for c in chunks)  # but stays in the chunks


def test_the_distributed_build_carries_sections_and_code_between_its_stages():
    document = load_bytes("guide.html", PAGE.encode())

    assert distributed._from_json(distributed._to_json(document)) == document
