"""Excel (.xlsx) with openpyxl in read-only mode: each sheet a section, each row a sentence
with its header; values, not formulas; at most rows.MAX_CELLS cells read."""

from __future__ import annotations

import io

from qa.corpus.formats.archive import open_checked
from qa.corpus.formats.parsed import Parsed, TextBuilder
from qa.corpus.formats.rows import CellBudget, add_rows
from qa.errors import DocumentTooLarge, InvalidDocument


def parse(data: bytes) -> Parsed:
    open_checked(data, "Excel (.xlsx)")
    import openpyxl

    budget = CellBudget("workbook")
    builder = TextBuilder()
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                builder.heading(1, sheet.title)
                add_rows(
                    builder, sheet.iter_rows(values_only=True), budget, f"sheet {sheet.title!r}"
                )
            title = (workbook.properties.title or "").strip()
        finally:
            workbook.close()
    except DocumentTooLarge:
        raise
    except Exception as exc:
        raise InvalidDocument(
            f"not a readable Excel (.xlsx) file: {type(exc).__name__}: {exc}"
        ) from exc
    return builder.build(title=title)
