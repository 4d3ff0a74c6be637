"""CSV: each row a sentence with its header; UTF-8 (with or without a byte-order mark),
the delimiter guessed among , ; tab and |; at most rows.MAX_CELLS cells."""

from __future__ import annotations

import csv as _csv
import io

from qa.corpus.formats.parsed import Parsed, TextBuilder
from qa.corpus.formats.rows import CellBudget, add_rows
from qa.errors import InvalidDocument


def parse(data: bytes) -> Parsed:
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidDocument(
            f"the CSV is not UTF-8 ({exc.reason} at byte {exc.start}); save it as "
            'UTF-8 ("CSV UTF-8" in Excel) and upload it again'
        ) from exc
    try:
        dialect = _csv.Sniffer().sniff(raw[:8192], delimiters=",;\t|")
    except _csv.Error:
        dialect = _csv.excel
    builder = TextBuilder()
    try:
        add_rows(
            builder,
            _csv.reader(io.StringIO(raw, newline=""), dialect),
            CellBudget("CSV"),
            "the CSV",
        )
    except _csv.Error as exc:
        raise InvalidDocument(f"unreadable CSV: {exc}") from exc
    return builder.build()
