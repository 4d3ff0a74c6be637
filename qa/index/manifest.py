"""A version's manifest: what built it, what it holds, and the checksum of every file.

The store writes it last into a version folder (so its presence means the version is
complete); the build (is the index current?), the live index (same model?) and readiness
read it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qa.errors import IndexCorrupt, NoIndex

FILE = "manifest.json"
FORMAT = 2  # 2: four sentence views, one vector file each


@dataclass(frozen=True)
class Chunking:
    chunk_size: int
    chunk_overlap: int


@dataclass(frozen=True)
class Counts:
    documents: int
    chunks: int
    sentences: int


@dataclass(frozen=True)
class Manifest:
    version: str
    model: str
    dimensions: int
    chunking: Chunking
    counts: Counts
    built_at: str
    build_seconds: float | None = None  # how long the build took, up to writing the files
    views: tuple[str, ...] = ()  # the vector files, without ".faiss"
    format: int = FORMAT
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_dict(cls, raw: dict, folder: Path) -> Manifest:
        """The manifest of ``folder``; IndexCorrupt when another format or keys are missing."""
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            found = raw.get("format") if isinstance(raw, dict) else None
            raise IndexCorrupt(
                f"{folder} has index format {found}, this version of "
                f"qa-bot reads format {FORMAT}; run `qa index` to rebuild"
            )
        try:
            return cls(
                version=raw["version"],
                model=raw["model"],
                dimensions=int(raw["dimensions"]),
                chunking=Chunking(**raw["chunking"]),
                counts=Counts(**raw["counts"]),
                built_at=raw["built_at"],
                build_seconds=raw.get("build_seconds"),
                views=tuple(raw.get("views", ())),
                format=raw["format"],
                files=dict(raw.get("files", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise IndexCorrupt(f"incomplete manifest in {folder}: {exc!r}") from exc


def read(folder: Path) -> Manifest:
    try:
        raw = json.loads((folder / FILE).read_text())
    except FileNotFoundError as exc:
        raise NoIndex(f"no manifest in {folder}; run `qa index`") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(f"unreadable manifest in {folder}: {exc}") from exc
    return Manifest.from_dict(raw, folder)
