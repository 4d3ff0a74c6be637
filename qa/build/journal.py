"""The write journal: a document write is recorded before the corpus changes, so a writer
killed at any point (even ``kill -9``) is finished or undone by the next one.

index/pending-write.json names the write in progress: the action, the file (relative to
the corpus), the sha256 of the bytes being written and the temporary file they go through.
Writes hold the writer lock, so there is at most one. ``settle`` reads it back: a file
whose bytes were completely saved stays and is indexed by the build that follows; a
write that never completed leaves nothing behind (its temporary file is removed).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.index.layout import fsync_dir

logger = logging.getLogger(__name__)

NAME = "pending-write.json"


@dataclass(frozen=True)
class PendingWrite:
    action: str  # "add", "replace" or "delete"
    path: str  # relative to the corpus
    sha256: str  # of the new bytes; "" for a delete
    tmp: str  # the temporary file name beside the target; "" for a delete


@dataclass(frozen=True)
class Settled:
    """What became of an interrupted write: ``indexed`` or ``removed``, and why."""

    write: PendingWrite
    outcome: str
    detail: str


def record(index_dir: Path, write: PendingWrite) -> None:
    """Durably note the write before the corpus is touched."""
    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = index_dir / (NAME + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(asdict(write), fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / NAME)
    fsync_dir(index_dir)


def clear(index_dir: Path) -> None:
    """The write is published (or cleanly rolled back): forget it."""
    (index_dir / NAME).unlink(missing_ok=True)


def pending(index_dir: Path) -> PendingWrite | None:
    try:
        raw = json.loads((index_dir / NAME).read_text(encoding="utf-8"))
        return PendingWrite(**raw)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError) as exc:  # a journal torn by the crash: nothing was written
        logger.warning("unreadable write journal (%s); ignoring it", exc)
        clear(index_dir)
        return None


def settle(index_dir: Path, corpus: Path) -> Settled | None:
    """Decide the fate of a write a killed writer left; the caller's next build makes it so.

    Call with the writer lock held. The journal stays until the caller's build is
    published, so a second crash settles the same write again.
    """
    write = pending(index_dir)
    if write is None:
        return None
    target = corpus / write.path
    if write.tmp:
        (target.parent / write.tmp).unlink(missing_ok=True)
    if write.action == "delete":
        target.unlink(missing_ok=True)
        result = Settled(write, "removed", "the delete is completed")
    elif target.is_file() and _sha256(target) == write.sha256:
        result = Settled(write, "indexed", "its bytes were saved completely")
    elif write.action == "replace" and target.is_file():
        result = Settled(write, "removed", "the new bytes never landed; the previous text stays")
    else:
        result = Settled(write, "removed", "its bytes were never saved completely")
    logger.warning(
        "interrupted %s of %s: %s (%s)", write.action, write.path, result.outcome, result.detail
    )
    return result


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
