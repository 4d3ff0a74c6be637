"""Manifests: what built an index version and which segments it is made of, and what one
segment holds with the checksum of each of its files.

Each is written last into its folder (so its presence means the folder is complete); the
build (is the index current?), the live index (same model?) and readiness read them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qa.errors import IndexCorrupt, NoIndex

FILE = "manifest.json"
# 3: a version is a list of segments, each with its deleted documents; 4: documents keep
# their sections and code spans (HTML is read for its main content: every page re-parsed)
FORMAT = 4
SEGMENT_FILE = "segment.json"


@dataclass(frozen=True)
class Chunking:
    """How documents are cut, which views are pooled from a chunk's tokens, and how words
    are analysed: a change of any rewrites every document (vectors copied where their keys
    still match)."""

    chunk_size: int
    chunk_overlap: int
    pooled: tuple[str, ...] = ()  # "view=part+part", qa.index.views.POOLED
    analysis: str = ""  # qa.index.lexical.ANALYSIS

    @classmethod
    def from_dict(cls, raw: dict) -> Chunking:
        pooled = raw.get("pooled", ())  # absent from indexes built before pooled views
        if not isinstance(pooled, list | tuple):
            raise TypeError(f"pooled is {pooled!r}")
        analysis = str(raw.get("analysis", ""))  # absent before ordinals became numerals
        return cls(
            int(raw["chunk_size"]), int(raw["chunk_overlap"]), tuple(map(str, pooled)), analysis
        )


@dataclass(frozen=True)
class Counts:
    documents: int
    chunks: int
    sentences: int


@dataclass(frozen=True)
class SegmentRef:
    """A segment of a version, and the documents of it the version no longer holds."""

    id: str
    deleted: tuple[str, ...] = ()  # document ids


@dataclass(frozen=True)
class SegmentManifest:
    """One immutable segment: its rows, how its vectors are stored, and file checksums."""

    id: str
    model: str
    dimensions: int
    counts: Counts
    codes: str  # vector storage, qa.index.vectors.STORAGES
    searchable: dict[str, str]  # view -> "flat" or "ivf"
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


@dataclass(frozen=True)
class Manifest:
    version: str
    model: str
    dimensions: int
    chunking: Chunking
    counts: Counts
    built_at: str
    build_seconds: float | None = None  # how long the build took, up to writing the files
    views: tuple[str, ...] = ()  # the vector views each segment holds
    segments: tuple[SegmentRef, ...] = ()
    format: int = FORMAT

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
                chunking=Chunking.from_dict(raw["chunking"]),
                counts=Counts(**raw["counts"]),
                built_at=raw["built_at"],
                build_seconds=raw.get("build_seconds"),
                views=tuple(raw.get("views", ())),
                segments=tuple(
                    SegmentRef(s["id"], tuple(s.get("deleted", ()))) for s in raw["segments"]
                ),
                format=raw["format"],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise IndexCorrupt(f"incomplete manifest in {folder}: {exc!r}") from exc


def read(folder: Path) -> Manifest:
    return Manifest.from_dict(
        _load(folder / FILE, f"no manifest in {folder}; run `qa index`"), folder
    )


def read_segment(folder: Path) -> SegmentManifest:
    raw = _load(folder / SEGMENT_FILE, f"segment {folder.name} is missing; run `qa index --full`")
    try:
        if raw.get("format") != FORMAT:
            raise ValueError(f"format {raw.get('format')}, this version reads {FORMAT}")
        return SegmentManifest(
            id=raw["id"],
            model=raw["model"],
            dimensions=int(raw["dimensions"]),
            counts=Counts(**raw["counts"]),
            codes=raw["codes"],
            searchable=dict(raw["searchable"]),
            files=dict(raw["files"]),
            format=raw["format"],
        )
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise IndexCorrupt(f"segment {folder.name} has an unusable manifest: {exc!r}") from exc


def _load(path: Path, missing: str) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise NoIndex(missing) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(f"unreadable manifest {path}: {exc}") from exc
