"""Jupyter notebooks (.ipynb) as JSON: markdown cells as prose (their headings are
sections, their fenced code is code), code cells kept in the text but recorded as code
(never quoted); outputs left out."""

from __future__ import annotations

import json

from qa.corpus.formats import markdown
from qa.corpus.formats.parsed import Headings, Parsed, decode_text
from qa.errors import InvalidDocument


def parse(data: bytes) -> Parsed:
    try:
        notebook = json.loads(decode_text(data, "notebook"))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidDocument(f"not a readable notebook: invalid JSON ({exc})") from exc
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise InvalidDocument("not a readable notebook: it has no list of cells (nbformat 4)")
    parts: list[str] = []
    length = 0
    headings = Headings()
    sections, code = [], []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("markdown", "code"):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        source = source.replace("\r\n", "\n").strip("\n").rstrip()
        if not source.strip():
            continue
        if parts:
            parts.append("\n\n")
            length += 2
        start = length
        parts.append(source)
        length += len(source)
        if cell["cell_type"] == "code":
            code.append((start, length))
        else:
            found, fenced = markdown.structure(source, headings, base=start)
            sections.extend(found)
            code.extend(fenced)
    metadata = notebook.get("metadata") if isinstance(notebook.get("metadata"), dict) else {}
    title = str(metadata.get("title") or (sections[0].path[0] if sections else ""))
    return Parsed(text="".join(parts), title=title, sections=tuple(sections), code=tuple(code))
