"""The index folder: published versions, the CURRENT pointer, the writer lock, leftovers.

index/
  CURRENT             name of the live version (replaced atomically)
  versions/<id>/      a version's manifest: its segments and their deleted documents
  segments/<id>/      documents, spans and vectors, complete, checksummed, never modified
  tmp-<id>/           a segment or version being written (removed by the next writer if
                      it crashed)
  .lock               held by the one writer

Versions share segments: a new version lists the segments of the last one that still
hold live documents, plus a new one for what changed. A segment no kept version lists is
deleted once no reader holds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from qa.errors import IndexBusy, IndexCorrupt, NoIndex
from qa.index.manifest import read as read_manifest

logger = logging.getLogger(__name__)

KEEP_VERSIONS = 3


def new_version_id() -> str:
    """Sorts by build time, to the microsecond, so pruning keeps the newest versions even
    when several builds fall in one second."""
    now = time.time_ns() // 1000
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 1_000_000))
    return f"{stamp}.{now % 1_000_000:06d}-{uuid.uuid4().hex[:8]}"


def versions_dir(index_dir: Path) -> Path:
    return index_dir / "versions"


def segments_dir(index_dir: Path) -> Path:
    return index_dir / "segments"


def current_version(index_dir: Path) -> str | None:
    try:
        name = (index_dir / "CURRENT").read_text().strip()
    except FileNotFoundError:
        return None
    return name or None


def current_folder(index_dir: Path) -> Path | None:
    version = current_version(index_dir)
    return versions_dir(index_dir) / version if version else None


def tmp_folder(index_dir: Path, version: str) -> Path:
    return index_dir / f"tmp-{version}"


def publish(index_dir: Path, built: Path, version: str) -> Path:
    """Move a complete build into place and point CURRENT at it, atomically."""
    target = versions_dir(index_dir) / version
    place(built, target)
    pointer = index_dir / "CURRENT.tmp"
    with pointer.open("w") as fh:
        fh.write(version + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(pointer, index_dir / "CURRENT")
    fsync_dir(index_dir)
    prune(index_dir)
    return target


def place(built: Path, target: Path) -> None:
    """Move a complete folder into place, durably."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(built, target)
    fsync_dir(target.parent)


def prune(index_dir: Path, keep: int = KEEP_VERSIONS) -> None:
    """Drop old versions beyond the newest ``keep``, then the segments no remaining version
    lists: never the current version, never a folder a reader (in any process) still holds
    a lease on; those go at a later prune."""
    current = current_version(index_dir)
    folders = sorted(versions_dir(index_dir).glob("*"), key=lambda p: p.name, reverse=True)
    for folder in folders[keep:]:
        if folder.name != current:
            _remove_unless_leased(folder)
    listed: set[str] = set()
    for folder in versions_dir(index_dir).glob("*"):
        try:
            listed.update(ref.id for ref in read_manifest(folder).segments)
        except (NoIndex, IndexCorrupt):
            continue  # a damaged version keeps nothing alive
    for folder in segments_dir(index_dir).glob("*"):
        if folder.name not in listed:
            _remove_unless_leased(folder)


def _remove_unless_leased(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        logger.debug("keeping %s: a reader still uses it", folder.name)
    else:
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        os.close(fd)


def lease(folder: Path) -> int:
    """A shared lock on a version folder for as long as a reader uses it (close the fd to
    release). A loaded version opens its SQLite file lazily per thread, so the folder must
    outlive every reader that may still answer from it."""
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def clean_leftovers(index_dir: Path) -> int:
    """Remove builds a crashed writer left behind; call only while holding the lock."""
    removed = 0
    for leftover in index_dir.glob("tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)
        removed += 1
    stale_pointer = index_dir / "CURRENT.tmp"
    if stale_pointer.exists():
        stale_pointer.unlink()
    if removed:
        logger.info("removed %d unfinished build(s) left by an interrupted writer", removed)
    return removed


@contextlib.contextmanager
def writer_lock(index_dir: Path, timeout: float = 0.0) -> Iterator[None]:
    """Hold the single-writer lock; raise IndexBusy if another writer keeps it past ``timeout``."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as exc:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"another writer is updating the index in {index_dir}; try again shortly"
                    ) from exc
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (a rename, a new file) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
