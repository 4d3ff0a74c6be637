"""The one registry: every suffix has a parser module, and every reader lists the same."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from qa.corpus import folder
from qa.corpus.formats import FORMATS, SUPPORTED_SUFFIXES, format_for
from qa.corpus.loader import load_bytes
from qa.errors import InvalidDocument
from tests.support.formatfiles import WRITERS

ROOT = Path(__file__).resolve().parents[4]


def test_every_format_names_a_module_with_a_parse_function():
    for fmt in FORMATS:
        module = importlib.import_module(f"qa.corpus.formats.{fmt.module}")
        assert callable(module.parse), fmt
        assert all(s.startswith(".") and s == s.lower() for s in fmt.suffixes)
    assert len(SUPPORTED_SUFFIXES) == len(set(SUPPORTED_SUFFIXES))


def test_the_corpus_folder_takes_its_suffixes_from_the_registry():
    assert folder.SUPPORTED_SUFFIXES is SUPPORTED_SUFFIXES
    for suffix in (".docx", ".pptx", ".xlsx", ".csv", ".odt", ".epub", ".eml", ".ipynb", ".rst"):
        assert folder.is_indexable(Path("a" + suffix))
    assert not folder.is_indexable(Path("a.pages"))


def test_an_unknown_suffix_is_refused_with_the_list():
    with pytest.raises(InvalidDocument, match=r"'\.pages'.*\.docx.*\.rst"):
        format_for(".pages")


def test_the_readme_lists_exactly_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Formats", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^- (.+?):", section, re.M)
    suffixes = [s for item in listed for s in re.findall(r"`(\.[a-z]+)`", item)]
    assert suffixes == list(SUPPORTED_SUFFIXES)


def test_the_upload_schema_lists_the_registry():
    from qa.api.documents_write import _MEDIA_TYPES, _body_doc

    described = _body_doc("add")["requestBody"]["content"]["multipart/form-data"]
    text = described["schema"]["properties"]["file"]["description"]
    assert all(suffix in text for suffix in SUPPORTED_SUFFIXES)
    assert all(fmt.media_type in _MEDIA_TYPES for fmt in FORMATS)


@pytest.mark.parametrize("suffix", list(WRITERS))
def test_offsets_of_every_format_point_into_its_text(suffix):
    """Sections and pages in text order, code spans inside the text and apart."""
    doc = load_bytes("sample" + suffix, WRITERS[suffix]())

    starts = [s.start for s in doc.sections]
    assert starts == sorted(starts) and all(0 <= s < len(doc.text) for s in starts)
    for section in doc.sections:
        assert all(section.path)
        if suffix != ".epub":  # a chapter's section opens at its text, titled from the TOC
            assert doc.text[section.start :].lstrip("# ").startswith(section.path[-1])
    pages = [start for _, start in doc.pages]
    assert pages == sorted(pages) and all(0 <= p <= len(doc.text) for p in pages)
    ends = 0
    for start, end in doc.code:
        assert ends <= start < end <= len(doc.text) and doc.text[start:end].strip()
        ends = end
