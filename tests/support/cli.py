"""Run the `qa` command as a user would: a separate process, no settings leaking in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_qa(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m qa ARGS`` with no QA_/SLACK_ settings leaking in from this process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "SLACK_"))}
    return subprocess.run(
        [sys.executable, "-m", "qa", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
