"""Merging segments: when, which, and how (the live rows of several segments into one).

Every update adds a segment and every search visits each segment, so segments are kept
few. When a version would list more than ``max_segments``, its smallest segments are
merged into one, leaving ``max_segments // 2``: the large segments stay as they are, so a
merge costs about the size of recent changes, not of the corpus. A segment with half its
documents deleted is rewritten without them. ``qa index --optimize`` merges everything
into one segment, re-encoding vectors stored with another ``QA_VECTOR_STORAGE``. A merge
copies vectors; nothing is embedded again.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from qa.index import layout
from qa.index import manifest as manifests
from qa.index.manifest import SegmentRef
from qa.index.segment import SegmentData, SegmentReader, open_segment, write_segment
from qa.index.vectors import Storage
from qa.index.views import CHUNKS


def plan(
    index_dir: Path, refs: list[SegmentRef], max_segments: int, force: bool, codes: str
) -> list[int]:
    """Positions in ``refs`` of the segments to merge into one (empty: merge nothing).
    ``force`` merges everything, and rewrites a lone segment stored with other ``codes``."""
    segments = [manifests.read_segment(layout.segments_dir(index_dir) / r.id) for r in refs]
    if force:
        stale = any(r.deleted for r in refs) or any(s.codes != codes for s in segments)
        return list(range(len(refs))) if len(refs) > 1 or stale else []
    counts = [s.counts for s in segments]
    picked = {
        i for i, (ref, c) in enumerate(zip(refs, counts)) if 2 * len(ref.deleted) >= c.documents > 0
    }
    if len(refs) > max_segments:
        keep = max(1, max_segments // 2)
        smallest = sorted(range(len(refs)), key=lambda i: counts[i].sentences)
        picked.update(smallest[: len(refs) - keep + 1])
    return sorted(picked)


def merge(
    index_dir: Path,
    refs: list[SegmentRef],
    model: str,
    storage: Storage,
    max_segments: int,
    force: bool = False,
) -> tuple[list[SegmentRef], int]:
    """The segment list after merging what ``plan`` picks; and how many segments were merged."""
    picked = plan(index_dir, refs, max_segments, force, storage.codes)
    if not picked:
        return refs, 0
    sources = [refs[i] for i in picked]
    kept = [r for i, r in enumerate(refs) if i not in set(picked)]
    data = live_rows(index_dir, sources, storage.nprobe)
    if data.documents:
        kept.append(SegmentRef(write_segment(index_dir, data, model, storage)))
    return kept, len(sources)


def live_rows(index_dir: Path, refs: list[SegmentRef], nprobe: int) -> SegmentData:
    """The documents, spans and vectors of ``refs`` that are not deleted, in order."""
    documents, chunks, sentences = [], [], []
    picks: list[tuple[SegmentReader, np.ndarray, np.ndarray]] = []
    for ref in refs:
        segment = open_segment(layout.segments_dir(index_dir) / ref.id, nprobe)
        deleted = set(ref.deleted)
        chunk_rows: list[int] = []
        sentence_rows: list[int] = []
        for doc_id, document in segment.documents.items():
            if doc_id in deleted:
                continue
            rows = segment.rows[doc_id]
            documents.append(document)
            chunk_rows += range(rows.c_from, rows.c_to)
            sentence_rows += range(rows.s_from, rows.s_to)
        chunks += [segment.chunk(r) for r in chunk_rows]
        sentences += [segment.sentence(r) for r in sentence_rows]
        picks.append((segment, np.array(chunk_rows, np.int64), np.array(sentence_rows, np.int64)))

    def vectors(view: str) -> np.ndarray:
        parts = [s.vectors(view, c if view == CHUNKS else r) for s, c, r in picks]
        return np.concatenate(parts) if parts else np.zeros((0, 0), np.float32)

    return SegmentData(documents, chunks, sentences, vectors)
