"""A crawl's memory of a site, kept beside its pages in a hidden file (never indexed):
for each saved address, its file and the validators (ETag, Last-Modified) that let the
next crawl ask only for pages that changed."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.corpus.folder import write_atomic

STATE_FILE = ".qa-crawl.json"


@dataclass(frozen=True)
class Saved:
    path: str  # relative to the crawl's folder
    etag: str = ""
    last_modified: str = ""


def load(folder: Path) -> dict[str, Saved]:
    """Address -> what was saved for it; empty for a first crawl or an unreadable file."""
    try:
        raw = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
        return {url: Saved(**entry) for url, entry in raw.get("pages", {}).items()}
    except (OSError, ValueError, TypeError):
        return {}


def save(folder: Path, start: str, pages: dict[str, Saved]) -> None:
    data = {"start": start, "pages": {url: asdict(pages[url]) for url in sorted(pages)}}
    write_atomic(folder / STATE_FILE, (json.dumps(data, indent=1) + "\n").encode())
