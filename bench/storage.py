"""Vector storage against answer quality: the same WikiQA (and XQuAD) dev index with
float32 codes, then re-encoded as float16 by a merge (nothing embedded again), in one run.

Prints acc@1, quote@1, the in-process answer time and the vector memory for each, so a
storage can be chosen only where it keeps acc@1 within 0.005.

    .venv/bin/python -m bench.storage [--tsv bench/data/wikiqa-dev.tsv] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from harness.reproduce import print_reproduce
from qa.build.build import build_index
from qa.evaluation.datasets import load_squad, load_wikiqa
from qa.evaluation.metrics import evaluate
from qa.index import layout
from qa.index.store import VersionReader
from qa.runtime import Runtime, build_embedder
from qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
XQUAD = ROOT / "bench" / "data" / "xquad-en-dev.json"


def _exact(index: Path) -> bool:
    """True when ``index`` (from an earlier run in the same workdir) holds float32 codes only,
    so its vectors need not be embedded again."""
    folder = layout.current_folder(index)
    if folder is None:
        return False
    reader = VersionReader(folder)
    return bool(reader.parts) and all(p.segment.manifest.codes == "fp32" for p in reader.parts)


def compare(name: str, questions, corpus: Path, index: Path) -> list[str]:
    settings = Settings(_env_file=None, corpus_dir=corpus, index_dir=index, vector_storage="fp32")
    embedder = build_embedder(settings)
    report = build_index(settings, embedder, full=not _exact(index))
    rows = []
    for codes in ("fp32", "fp16"):
        settings = settings.model_copy(update={"vector_storage": codes})
        if codes != "fp32":
            build_index(settings, embedder, optimize=True)  # re-encodes, embeds nothing
        runtime = Runtime.build(settings, embedder)
        reader = runtime.live.current()
        result = evaluate(runtime.service, questions)
        summary = result.summary()
        ms = statistics.median(r.answer_ms for r in result.results)
        rows.append(
            f"| {name} | {codes} | {summary['acc@1']:.4f} | {summary['quote@1']:.4f} | "
            f"{ms:.1f} | {reader.vector_bytes / 2**20:.1f} |"
        )
        print(rows[-1], flush=True)
    print(f"({name}: {report.documents} documents, {report.sentences} sentences)", flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tsv", type=Path, default=ROOT / "bench" / "data" / "wikiqa-dev.tsv")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    print("| set | codes | acc@1 | quote@1 | median answer ms | searched vectors MB |")
    print("|---|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="storage-") as tmp:
        work = args.workdir or Path(tmp)
        wikiqa = load_wikiqa(args.tsv, work / "wikiqa" / "corpus")
        compare("WikiQA dev", wikiqa, work / "wikiqa" / "corpus", work / "wikiqa" / "index")
        xquad = load_squad(XQUAD, work / "xquad" / "corpus")
        compare("XQuAD dev", xquad, work / "xquad" / "corpus", work / "xquad" / "index")
    print_reproduce(__spec__.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
