"""One progress bar per build: files read, then texts embedded of the total, with the
rate and the time left. Silent when the build is not attached to a terminal."""

from __future__ import annotations

from tqdm import tqdm


class Progress:
    def __init__(self, enabled: bool) -> None:
        self._bar = tqdm(
            total=0,
            unit="file",
            desc="reading files",
            disable=not enabled,
            dynamic_ncols=True,
            leave=True,
        )

    def file(self) -> None:
        self._bar.update(1)

    def embedding(self, total: int) -> None:
        """Turn the same bar into the embedding stage."""
        self._bar.reset(total=total)
        self._bar.unit = "text"
        self._bar.set_description("embedding")

    def embedded(self, count: int) -> None:
        self._bar.update(count)

    def stage(self, description: str) -> None:
        self._bar.set_description(description)

    def close(self) -> None:
        self._bar.close()
