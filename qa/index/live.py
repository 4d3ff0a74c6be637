"""The index version a running process answers from, swapped without a restart.

Readers take a reference to one immutable VersionReader and keep it for the whole
request, so a swap never changes the data under a query in flight.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from qa.errors import NoIndex
from qa.index import layout
from qa.index.store import VersionReader

logger = logging.getLogger(__name__)


class LiveIndex:
    def __init__(self, index_dir: Path, model: str, nprobe: int = 32) -> None:
        self.index_dir = index_dir
        self.model = model
        self.nprobe = nprobe
        self._reader: VersionReader | None = None
        self._problem = f"no index in {index_dir}; run `qa index` first"
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def current(self) -> VersionReader:
        """The live version; raises NoIndex with the reason when there is none."""
        reader = self._reader
        if reader is None:
            self.refresh()
            reader = self._reader
        if reader is None:
            raise NoIndex(self._problem)
        return reader

    @property
    def problem(self) -> str | None:
        """Why the latest on-disk version is not being served, if it is not."""
        return self._problem

    def refresh(self) -> bool:
        """Load the version CURRENT names if it is new; keep the last good one on failure."""
        with self._lock:
            version = layout.current_version(self.index_dir)
            if version is None:
                if self._reader is None:
                    self._problem = f"no index in {self.index_dir}; run `qa index` first"
                return False
            if self._reader is not None and self._reader.version == version:
                return False
            try:
                reader = VersionReader(layout.versions_dir(self.index_dir) / version, self.nprobe)
            except NoIndex as exc:
                self._problem = f"index version {version} not loaded: {exc}"
                logger.error("%s; still serving %s", self._problem, self.version or "nothing")
                return False
            if reader.manifest.model != self.model:
                self._problem = (
                    f"index {version} was built with {reader.manifest.model!r} but the "
                    f"configured model is {self.model!r}; run `qa index`"
                )
                logger.error(self._problem)
                return False
            self._reader, self._problem = reader, None
            logger.info("serving index version %s", version)
            return True

    @property
    def version(self) -> str | None:
        return self._reader.version if self._reader else None

    def watch(self, interval: float) -> None:
        """Poll for new versions in a daemon thread until ``close``."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._poll, args=(interval,), name="index-reload", daemon=True
            )
            self._thread.start()

    def _poll(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.refresh()
            except Exception:  # a bad poll must not kill the watcher
                logger.exception("index reload failed")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
