"""Run the `qa` command as a user would: a separate process, no settings leaking in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_qa(
    *args: str, cwd: Path, without: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """``python -m qa ARGS`` with no QA_/SLACK_ settings leaking in from this process;
    the modules named in ``without`` cannot be imported, as on an install without them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "SLACK_"))}
    blocked = "".join(f"sys.modules[{name!r}] = None; " for name in without)
    start = ["-c", f"import sys; {blocked}from qa.cli import main; sys.exit(main())"]
    return subprocess.run(
        [sys.executable, *(start if without else ["-m", "qa"]), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
