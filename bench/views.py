"""Does each sentence view earn its build cost? Cross-validated acc@1 with the view's
feature removed, against the share of embedded texts (and characters) the view costs
(none for a view pooled from its chunk's pass, but the few it embeds alone).

Every WikiQA dev and XQuAD dev question is ranked once by the current code (as
bench/fit_weights.py does); then, for each view, the ranker is refitted without that
view's cosine and scored by 5-fold cross-validation over questions, the same protocol as
the published figures. The sentences view is also what candidate sentences are searched
in, so removing its feature does not remove its search: its row is a lower bound on
its worth.

    .venv/bin/python -m bench.views [--wikiqa bench/data/wikiqa-dev.tsv] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path

from harness.reproduce import print_reproduce
from qa.answer.ranker import FEATURES
from qa.build.build import split_document
from qa.build.contents import view_keys
from qa.corpus.chunker import Chunker
from qa.corpus.loader import load_corpus
from qa.index.views import SENTENCE_VIEWS
from qa.runtime import build_embedder
from qa.settings import Settings
from training.fit_weights import collect, cross_validated_ranker

BENCH = Path(__file__).resolve().parent


def costs(corpus: Path, settings: Settings) -> dict[str, tuple[int, int]]:
    """(distinct texts, characters) each view embeds for the documents of ``corpus``; a
    view pooled from its chunk's pass costs only the texts it embeds alone."""
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    texts: dict[str, set[str]] = {}
    documents, _ = load_corpus(corpus)
    for doc in documents:
        chunks, sentences = split_document(doc, chunker)
        for view, keys in view_keys(doc, chunks, sentences).items():
            texts.setdefault(view, set()).update(k for k in keys if isinstance(k, str))
    return {view: (len(t), sum(map(len, t))) for view, t in texts.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wikiqa", type=Path, default=BENCH / "data" / "wikiqa-dev.tsv")
    parser.add_argument("--xquad", type=Path, default=BENCH / "data" / "xquad-en-dev.json")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--l2", type=float, default=0.1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="views-") as tmp:
        work = args.workdir or Path(tmp)
        settings = Settings(_env_file=None, index_dir=work / "unused")
        embedder = build_embedder(settings)
        qs = collect(args.wikiqa, "wikiqa", work, settings, embedder)
        qs += collect(args.xquad, "xquad", work, settings, embedder)
        spent = {
            name: costs(work / path.stem / "corpus", settings)
            for name, path in (("wikiqa", args.wikiqa), ("xquad", args.xquad))
        }
    total = {name: (sum(t for t, _ in c.values()), sum(n for _, n in c.values()))
             for name, c in spent.items()}  # fmt: skip
    print("| view removed | WikiQA CV acc@1 | XQuAD CV acc@1 | share of texts (WikiQA) | "
          "share of characters (WikiQA) |")  # fmt: skip
    print("|---|---:|---:|---:|---:|")
    everything = cross_validated_ranker(qs, args.l2)
    print(f"| none | {everything['wikiqa']:.3f} | {everything['xquad']:.3f} | | |")
    for view in SENTENCE_VIEWS:
        keep = [i for i, f in enumerate(FEATURES) if f != view.feature]
        reduced = [replace(q, features=q.features[:, keep]) for q in qs]
        cv = cross_validated_ranker(reduced, args.l2)
        texts, chars = spent["wikiqa"][view.name]
        print(f"| {view.name} ({view.feature}) | {cv['wikiqa']:.3f} | {cv['xquad']:.3f} | "
              f"{texts / total['wikiqa'][0]:.2f} | {chars / total['wikiqa'][1]:.2f} |")  # fmt: skip
    print_reproduce(__spec__.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
