"""Where a full build's time goes: tokens embedded, and the embedder's rate on each kind of text.

qa-bot reads each chunk once (its vector, and the pooled context view of the sentences
in it) and embeds each sentence alone (qa.index.views); txtai and LangChain embed
800/100-character chunks (bench/other_indexers.py). This counts the tokens each would
embed for the WikiQA dev corpus (the model's tokenizer, truncated at its maximum length;
a pooled view read in its chunk's pass costs no tokens of its own), then times qa-bot's own embedder, length-sorted in batches of 64, on
samples of both kinds of text, alternating, so the two rates come from the same minutes.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.token_rate [--rounds 2]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from langchain_text_splitters import RecursiveCharacterTextSplitter

from harness.reproduce import print_reproduce
from qa.build.contents import split_documents, view_keys
from qa.build.pooling import Pooled
from qa.corpus.loader import load_corpus
from qa.evaluation.datasets import load_wikiqa
from qa.runtime import build_embedder
from qa.settings import Settings

REPO = Path(__file__).resolve().parents[1]
BATCH = 64


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", type=Path, default=REPO / "bench" / "data" / "wikiqa-dev.tsv")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sample", type=int, default=1500, help="qa-bot texts per round")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="qa-token-rate-") as tmp:
        corpus = Path(tmp) / "corpus"
        load_wikiqa(args.tsv, corpus)
        settings = Settings(_env_file=None, corpus_dir=corpus, index_dir=Path(tmp) / "index",
                            torch_threads=1)  # fmt: skip
        documents, _ = load_corpus(corpus)
        keys: dict[str, list] = {}
        for doc, chunks, sentences in split_documents(settings, documents):
            for view, view_keys_ in view_keys(doc, chunks, sentences).items():
                keys.setdefault(view, []).extend(view_keys_)
        by_view = {view: [k for k in ks if isinstance(k, str)] for view, ks in keys.items()}
        pooled = {view: sum(isinstance(k, Pooled) for k in ks) for view, ks in keys.items()}
        splitter = RecursiveCharacterTextSplitter(chunk_size=800, chunk_overlap=100)
        theirs = [
            t for p in sorted(corpus.rglob("*.txt")) for t in splitter.split_text(p.read_text())
        ]

    embedder = build_embedder(settings)
    embedder.embed(["warm-up"])
    tokenizer = embedder._build.get().model.tokenizer
    limit = embedder._build.get().model.max_seq_length

    def tokens(texts: list[str]) -> int:
        return sum(min(limit, len(ids)) for ids in tokenizer(texts)["input_ids"])

    ours = list(dict.fromkeys(t for texts in by_view.values() for t in texts))
    print(f"WikiQA dev corpus: {len(documents)} documents\n")
    print("| texts | count | tokens |\n| --- | --- | --- |")
    for view, texts in by_view.items():
        print(f"| qa-bot {view} | {len(texts):,} | {tokens(texts):,} |")
        if pooled[view]:
            print(f"| qa-bot {view}, pooled from the chunks' passes | {pooled[view]:,} | 0 |")
    print(f"| qa-bot, all (distinct) | {len(ours):,} | {tokens(ours):,} |")
    print(f"| 800/100-character chunks (txtai, LangChain) | {len(theirs):,} | {tokens(theirs):,} |")

    rng = random.Random(0)
    rates: dict[str, list[float]] = {"qa-bot texts": [], "800-character chunks": []}
    share = args.sample * len(theirs) // len(ours) or 1  # the same share of each set
    for _ in range(args.rounds):
        for name, pool, n in (("qa-bot texts", ours, args.sample),
                              ("800-character chunks", theirs, share)):  # fmt: skip
            sample = sorted(rng.sample(pool, min(n, len(pool))), key=len)
            started = time.perf_counter()
            for i in range(0, len(sample), BATCH):
                embedder.embed(sample[i : i + BATCH])
            rates[name].append(tokens(sample) / (time.perf_counter() - started))
    print(f"\nqa-bot's embedder, one thread, {args.rounds} rounds (tokens/s each round):")
    for name, values in rates.items():
        print(f"  {name:22} " + ", ".join(f"{v:,.0f}" for v in values))
    print_reproduce(__spec__.name, one_thread=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
