"""Workbooks written with openpyxl: rows as sentences with their header, sheets as
sections; a million-cell sheet is refused at the cap."""

from __future__ import annotations

import io
import zipfile

import pytest

from qa.corpus.formats.rows import MAX_CELLS
from qa.corpus.loader import load_bytes
from qa.errors import DocumentTooLarge
from tests.support.formatfiles import FACTS, xlsx_bytes


def test_rows_read_as_sentences_under_their_sheet():
    doc = load_bytes("staff.xlsx", xlsx_bytes())

    assert FACTS[".xlsx"] in doc.text
    assert "Room: Library; Seats: 12." in doc.text  # 12.0 written as a whole number
    assert [s.path for s in doc.sections] == [("Staff",), ("Rooms",)]
    assert doc.section_at(doc.text.index("Room: Library")).label == "Rooms"
    assert doc.title == "staff"


def million_cell_workbook() -> bytes:
    """A real workbook whose first sheet is replaced by 1,000 rows of 1,000 cells."""
    row = "<row>" + "<c><v>1</v></c>" * 1000 + "</row>"
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet '
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + row * 1000
        + "</sheetData></worksheet>"
    )
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = sheet if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            archive.writestr(item.filename, data)
    return out.getvalue()


def test_a_million_cells_are_refused_at_the_cap_naming_it():
    with pytest.raises(DocumentTooLarge, match=f"more than {MAX_CELLS:,} cells.*sheet 'Staff'"):
        load_bytes("huge.xlsx", million_cell_workbook())
