"""Table rows as sentences with their header ("Name: Ada; Role: Engineer."), with a cap
on the cells read so a million-cell sheet is refused early, naming the cap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from qa.corpus.formats.parsed import TextBuilder
from qa.errors import DocumentTooLarge

MAX_CELLS = 200_000


class CellBudget:
    """Counts the cells a document's tables have read against MAX_CELLS."""

    def __init__(self, kind: str, limit: int = MAX_CELLS) -> None:
        self.kind = kind
        self.limit = limit
        self.used = 0

    def spend(self, cells: int, where: str) -> None:
        self.used += cells
        if self.used > self.limit:
            raise DocumentTooLarge(
                f"the {self.kind} holds more than {self.limit:,} cells (reached at {where}); "
                f"that is the limit: split it into smaller files"
            )


def cell_text(value: object) -> str:
    """A cell's value as written in a sentence: 3.0 -> 3, a date -> 2024-05-01."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return " ".join(str(value).split())


def add_rows(
    builder: TextBuilder, rows: Iterable[Sequence[object]], budget: CellBudget, where: str
) -> None:
    """The first non-empty row is the header; every later row becomes one paragraph."""
    header: list[str] | None = None
    for number, row in enumerate(rows, start=1):
        budget.spend(len(row), f"{where}, row {number:,}")
        cells = [cell_text(value) for value in row]
        if not any(cells):
            continue
        if header is None:
            header = cells
            continue
        builder.paragraph(row_sentence(header, cells))


def row_sentence(header: Sequence[str], cells: Sequence[str]) -> str:
    """'Name: Ada; Role: Engineer.'; empty cells left out, unnamed columns numbered."""
    parts = []
    for index, value in enumerate(cells):
        if not value:
            continue
        name = header[index] if index < len(header) and header[index] else f"Column {index + 1}"
        parts.append(f"{name}: {value}")
    sentence = "; ".join(parts)
    return sentence if sentence.endswith((".", "!", "?")) else sentence + "."
