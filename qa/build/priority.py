"""Builds run at a lower CPU priority than questions, so a build on the same machine yields.

On Linux a nice value belongs to a thread and is inherited by the threads and processes it
starts. ``lower_process`` lowers the calling thread at the start of a build-only command
(`qa index`, `qa watch`), so everything it starts runs lower too; ``write_threads`` is the
pool the server runs document writes on, each of its threads lowered once when it starts.
A priority cannot be raised again without privilege, so only threads that do nothing but
build are ever lowered: the threads answering questions keep theirs.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor

logger = logging.getLogger("qa.priority")
MAX_NICE = 19
WRITE_THREADS = 4  # writes run one at a time (the writer lock); the others wait their turn


def lower_thread(by: int) -> None:
    """Raise this thread's nice value by ``by`` (0: unchanged); a refusal is logged, not
    raised, since a build at normal priority still works."""
    if by <= 0:
        return
    try:
        tid = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(MAX_NICE, current + by))
    except (AttributeError, OSError) as exc:  # not Linux, or not permitted
        logger.warning("index builds keep the normal CPU priority: %s", exc)


def lower_process(by: int) -> None:
    """For a command that only builds: this thread and all it starts run ``by`` lower."""
    lower_thread(by)


def write_threads(by: int) -> ThreadPoolExecutor:
    """The threads document writes (and their embedding) run on, ``by`` lower than the rest."""
    return ThreadPoolExecutor(
        max_workers=WRITE_THREADS,
        thread_name_prefix="index-write",
        initializer=lower_thread,
        initargs=(by,),
    )
