"""The line every benchmark ends with: the command that gives its numbers again."""

from __future__ import annotations

import shlex
import sys


def print_reproduce(module: str, one_thread: bool = False) -> None:
    """Print ``reproduce: [OMP_NUM_THREADS=1] .venv/bin/python -m <module> <this run's args>``."""
    command = shlex.join([".venv/bin/python", "-m", module, *sys.argv[1:]])
    print("reproduce:", *(["OMP_NUM_THREADS=1"] if one_thread else []), command)
