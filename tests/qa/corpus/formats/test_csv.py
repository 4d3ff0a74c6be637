"""CSV: rows as sentences with their header, delimiters guessed, UTF-8 required."""

from __future__ import annotations

import pytest

from qa.corpus.loader import load_bytes
from qa.errors import DocumentTooLarge, InvalidDocument
from tests.support.formatfiles import FACTS, csv_bytes


def test_rows_become_sentences_with_the_header():
    doc = load_bytes("cities.csv", csv_bytes())

    assert doc.text.split("\n\n") == [
        FACTS[".csv"],
        "City: Tromso; Country: Norway; Population: 77,000.",
    ]
    assert doc.sections == () and doc.code == ()


def test_semicolons_and_empty_cells():
    doc = load_bytes("t.csv", b"Name;Team;Note\nAda;;Lead.\n")
    assert doc.text == "Name: Ada; Note: Lead."


def test_non_utf8_is_refused_with_what_to_do():
    with pytest.raises(InvalidDocument, match="not UTF-8.*save it as UTF-8"):
        load_bytes("latin.csv", "Name\nJosé Núñez\n".encode("latin-1"))


def test_too_many_cells_are_refused():
    rows = "\n".join(",".join(["x"] * 100) for _ in range(2_100))
    with pytest.raises(DocumentTooLarge, match="more than 200,000 cells"):
        load_bytes("big.csv", rows.encode())
