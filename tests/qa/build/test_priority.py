"""Builds run at a lower CPU priority than questions: the server's write threads and the
build-only commands are lowered, the threads answering questions are not."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from qa.build.priority import MAX_NICE, lower_thread, write_threads

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice is Linux's")


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _in_new_thread(fn):
    out = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def test_write_threads_run_lower_and_leave_the_caller_alone():
    base = _nice()
    pool = write_threads(5)
    try:
        seen = {pool.submit(_nice).result() for _ in range(8)}
    finally:
        pool.shutdown()

    assert seen == {min(MAX_NICE, base + 5)}
    assert _nice() == base


def test_zero_keeps_the_priority_and_the_lowest_is_a_ceiling():
    base = _nice()

    assert _in_new_thread(lambda: (lower_thread(0), _nice())[1]) == base
    assert _in_new_thread(lambda: (lower_thread(100), _nice())[1]) == MAX_NICE


@pytest.mark.parametrize("nice", ["3", "0"])
def test_qa_index_builds_at_the_configured_lower_priority(tmp_path, nice):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "otters.txt").write_text("Sea otters crack clams with stones.\n")
    script = (
        "import os, sys; from qa.cli import main; code = main(sys.argv[1:]); "
        "print('nice', os.getpriority(os.PRIO_PROCESS, 0)); sys.exit(code)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    done = subprocess.run(
        [sys.executable, "-c", script, "index", "--corpus", "corpus", "--index", "index"],
        cwd=tmp_path,
        env={**env, "QA_BUILD_NICE": nice},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 0, done.stderr
    assert "index updated" in done.stdout
    assert f"nice {min(MAX_NICE, _nice() + int(nice))}" in done.stdout
