"""Kill a child process with SIGKILL at the moment it reports having reached a point."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path


def kill_when_parked(argv: list[str], marker: Path, what: str, timeout: float) -> None:
    """Run ``argv``; once it writes ``marker`` (it then parks), kill -9 it.

    Fails with the child's stderr if it exits first, or with ``what`` if it never gets there.
    """
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + timeout
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, f"{what} within {timeout:.0f} s"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
