"""Loading the corpus: titles, sources and text per format; bad files skipped by name."""

from __future__ import annotations

import os

import pytest

from qa.corpus.folder import iter_corpus_files
from qa.corpus.loader import document_id, load_bytes, load_corpus, scan_corpus
from qa.errors import CorpusNotFound, InvalidDocument
from tests.support.pdfbytes import pdf_with_pages

# --- .txt -------------------------------------------------------------------------------


def test_txt_title_is_a_short_first_line_followed_by_a_blank_line():
    doc = load_bytes("notes/coca.txt", b"Coca in Peru\n\nPeru grows coca in the VRAEM.\n")

    assert doc.title == "Coca in Peru"
    assert doc.text == "Coca in Peru\n\nPeru grows coca in the VRAEM.\n"  # the title stays text
    assert doc.source == doc.path == "notes/coca.txt"
    assert doc.pages == () and doc.page_at(5) is None


@pytest.mark.parametrize(
    "text",
    [
        "Peru grows coca in the VRAEM.\nIt is a valley.\n",  # no blank line after line 1
        "x" * 201 + "\n\nbody text here\n",  # first line too long to be a title
        "\n\nstarts with a blank line\n",
        "one line only",
    ],
    ids=["no-blank", "long-line", "empty-first", "single-line"],
)
def test_txt_without_a_title_line_is_named_after_the_file(text):
    assert load_bytes("reports/mining-2020.txt", text.encode()).title == "mining-2020"


def test_txt_windows_line_endings_and_bom():
    doc = load_bytes("w.txt", "\ufeffTitle\r\n\r\nBody line.\r\n".encode())

    assert doc.title == "Title"
    assert doc.text == "Title\n\nBody line.\n"


# --- .md --------------------------------------------------------------------------------


def test_md_front_matter_gives_title_and_url_source_without_moving_offsets():
    raw = (
        "---\ntitle: Mining report\nurl: https://example.org/mining\n---\n"
        "# Heading not used\n\nGold is mined in La Pampa.\n"
    )
    doc = load_bytes("mining.md", raw.encode())

    assert doc.title == "Mining report"
    assert doc.source == "https://example.org/mining"
    assert doc.path == "mining.md"
    assert "title:" not in doc.text and "https://" not in doc.text
    assert len(doc.text) == len(raw)  # front matter blanked, not cut: offsets stay the file's
    start = doc.text.index("Gold")
    assert raw[start : start + 26] == "Gold is mined in La Pampa."


def test_md_title_from_first_heading_when_no_front_matter():
    doc = load_bytes("m.md", b"Intro line.\n\n# The Real Title ##\n\n## Sub\n\nText.\n")

    assert doc.title == "The Real Title"
    assert doc.source == "m.md"


def test_md_non_http_url_is_not_used_as_source():
    doc = load_bytes("m.md", b"---\nurl: javascript:alert(1)\n---\nText here.\n")

    assert doc.source == "m.md"
    assert doc.title == "m"


# --- .html ------------------------------------------------------------------------------


def test_html_keeps_visible_text_only_and_takes_the_title_tag():
    html = b"""<!doctype html><html><head><title>Peru &amp; Coca</title>
    <style>p { color: red }</style><script>var secret = "hidden script";</script></head>
    <body><nav>Menu</nav><h1>Coca</h1><p>Peru grows <b>coca</b> in the VRAEM.</p>
    <noscript>enable js</noscript><template>tmpl</template></body></html>"""
    doc = load_bytes("page.html", html)

    assert doc.title == "Peru & Coca"
    assert "Peru grows coca in the VRAEM." in doc.text
    assert "Coca" in doc.text.split("\n")
    for hidden in ("color: red", "hidden script", "enable js", "tmpl", "<"):
        assert hidden not in doc.text


def test_html_without_title_is_named_after_the_file():
    assert load_bytes("site/about.htm", b"<p>About us and more.</p>").title == "about"


# --- .pdf -------------------------------------------------------------------------------


def test_pdf_text_per_page_with_page_numbers():
    data = pdf_with_pages("Coca grows in the VRAEM valley.", "Gold is mined in La Pampa.")
    doc = load_bytes("scans/report.pdf", data)

    assert "Coca grows in the VRAEM valley." in doc.text
    assert "Gold is mined in La Pampa." in doc.text
    assert [number for number, _ in doc.pages] == [1, 2]
    assert doc.page_at(doc.text.index("Coca")) == 1
    assert doc.page_at(doc.text.index("Gold")) == 2
    assert doc.page_at(len(doc.text) - 1) == 2
    assert doc.title == "report"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\nthis is not really a pdf",
        pdf_with_pages("Coca grows.")[:120],
        b"%PDF-1.7\n" + bytes(range(256)) * 4,
        b"",
    ],
    ids=["garbage", "truncated", "binary", "empty"],
)
def test_corrupt_pdf_is_an_invalid_document(data):
    with pytest.raises(InvalidDocument):
        load_bytes("broken.pdf", data)


# --- failures and the corpus ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "no text"),
        ("blank.md", b"  \n\n\t\n", "no text"),
        ("latin1.txt", "Perú año".encode("latin-1"), "UTF-8"),
        ("nothing-visible.html", b"<script>only()</script>", "no text"),
    ],
)
def test_unusable_files_raise_invalid_document(name, data, reason):
    with pytest.raises(InvalidDocument, match=reason):
        load_bytes(name, data)


def test_unsupported_suffix_names_the_types_we_take():
    with pytest.raises(InvalidDocument, match=r"'\.pages'.*\.txt.*\.docx"):
        load_bytes("memo.pages", b"PK\x03\x04")


def test_load_corpus_skips_bad_files_by_name_and_keeps_the_rest(tmp_path):
    (tmp_path / "good.txt").write_text("Good\n\nA good document about coca.\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.html").write_text("<title>Page</title><p>Mining text.</p>")
    (tmp_path / "report.pdf").write_bytes(pdf_with_pages("Page one text here."))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin1.txt").write_bytes("Perú año".encode("latin-1"))
    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.4\nnot a pdf at all")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")  # unsupported: ignored, not "skipped"
    (tmp_path / ".hidden.txt").write_text("Hidden\n\nNever loaded.\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.md").write_text("# Git internals\n")

    documents, skipped = load_corpus(tmp_path)

    assert sorted(d.path for d in documents) == ["good.txt", "report.pdf", "sub/page.html"]
    assert sorted(s.path for s in skipped) == ["corrupt.pdf", "empty.txt", "latin1.txt"]
    assert all(s.reason for s in skipped)


def test_ids_are_stable_and_follow_the_relative_path(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "doc.txt").write_text("Doc\n\nSame words.\n")
    (tmp_path / "doc.txt").write_text("Doc\n\nSame words.\n")

    first, _ = load_corpus(tmp_path)
    again, _ = load_corpus(tmp_path)

    assert [d.id for d in first] == [d.id for d in again]
    assert len({d.id for d in first}) == 2  # same content, different path: different ids
    assert {d.id for d in first} == {document_id("a/doc.txt"), document_id("doc.txt")}
    assert first[0].content_hash == first[1].content_hash


def test_missing_corpus_folder_is_named(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(CorpusNotFound, match="nowhere"):
        list(iter_corpus_files(missing))


def test_a_rescan_sees_every_change_even_one_that_keeps_size_and_time(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Note\n\nThe code is 1234.\n")
    first = scan_corpus(tmp_path)
    known = {"note.txt": first.documents[0].content_hash}
    assert scan_corpus(tmp_path, known).unchanged == ["note.txt"]

    stat = path.stat()
    path.write_text("Note\n\nThe code is 9876.\n")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time
    again = scan_corpus(tmp_path, known)
    assert again.unchanged == [] and "9876" in again.documents[0].text
