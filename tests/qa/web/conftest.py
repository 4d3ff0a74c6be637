"""Where the browser tests put their screenshots, and the line the run prints about it."""

from __future__ import annotations

import pytest

from harness.corpora import REPO

SHOTS = REPO / "test-artifacts" / "screenshots"
TAKEN = pytest.StashKey[bool]()


def pytest_terminal_summary(terminalreporter, config) -> None:
    if config.stash.get(TAKEN, False):
        terminalreporter.write_line(f"browser screenshots: {SHOTS}")
