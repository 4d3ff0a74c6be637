"""Probe: sentence vectors pooled from one pass over each chunk ("late chunking") against
the same views embedded one text at a time.

This probe came before the build pooled its context view (qa.build.pooling): when the
build embedded four separate views, it read 6.7 times the tokens of a chunk-only indexer,
most of them in views that repeat a neighbouring sentence. Here each chunk's input (title
and chunk text, as the index embeds it) is run through the model once; a sentence's
vector is the mean of its tokens' output vectors ("late"), or of its own and the previous
sentence's tokens ("late context"). For every WikiQA dev question with an answer sentence
in its document, the document's sentences are ranked by cosine alone, and within-document
acc@1 is the share whose top sentence is an answer. Only cosines are compared: no
ranker, no confidence.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.late_chunking
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from harness.reproduce import print_reproduce
from qa.build.contents import split_documents
from qa.corpus.loader import load_corpus
from qa.evaluation.datasets import load_wikiqa
from qa.index.views import chunk_input, sentence_views
from qa.runtime import build_embedder
from qa.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def pooled(model, doc, chunks, sentences) -> tuple[list, list]:
    """Per sentence: the mean of its token vectors, and of its and the sentence before's,
    from the first chunk that holds it whole (None when no chunk does)."""
    import torch

    transformer = model[0]
    own: list[np.ndarray | None] = [None] * len(sentences)
    context: list[np.ndarray | None] = [None] * len(sentences)
    for chunk in chunks:
        text = chunk_input(doc, chunk)
        shift = text.index(chunk.text) - chunk.start  # document offset -> input offset
        enc = transformer.tokenizer(text, return_offsets_mapping=True, truncation=True,
                                    max_length=model.max_seq_length, return_tensors="pt")  # fmt: skip
        offsets = enc.pop("offset_mapping")[0].numpy()
        with torch.inference_mode():
            tokens = transformer.auto_model(**enc).last_hidden_state[0].numpy()
        real = offsets[:, 1] > offsets[:, 0]
        for i, s in enumerate(sentences):
            if own[i] is not None or s.start < chunk.start or s.end > chunk.end:
                continue
            inside = real & (offsets[:, 0] >= s.start + shift) & (offsets[:, 1] <= s.end + shift)
            if not inside.any():
                continue  # truncated away
            own[i] = _unit(tokens[inside].mean(0))
            first = (
                sentences[i - 1].start if i and sentences[i - 1].start >= chunk.start else s.start
            )
            span = real & (offsets[:, 0] >= first + shift) & (offsets[:, 1] <= s.end + shift)
            context[i] = _unit(tokens[span].mean(0))
    return own, context


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", type=Path, default=REPO / "bench" / "data" / "wikiqa-dev.tsv")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qa-late-") as tmp:
        questions = load_wikiqa(args.tsv, Path(tmp) / "corpus")
        settings = Settings(_env_file=None, corpus_dir=Path(tmp) / "corpus",
                            index_dir=Path(tmp) / "index", torch_threads=1)  # fmt: skip
        documents, _ = load_corpus(settings.corpus_dir)
        splits = {d.id: (d, c, s) for d, c, s in split_documents(settings, documents)}
    embedder = build_embedder(settings)
    embedder.embed(["warm-up"])
    model = embedder._build.get().model

    started = time.perf_counter()
    late = {d: pooled(model, *split) for d, split in splits.items()}
    late_s = time.perf_counter() - started
    started = time.perf_counter()
    views = {}
    for d, (doc, _, sentences) in splits.items():
        texts = sentence_views(doc, sentences)
        views[d] = (embedder.embed(texts["sentences"]), embedder.embed(texts["contexts"]))
    views_s = time.perf_counter() - started

    ways = ["sentences view", "contexts view", "both views", "late", "late context", "both late"]
    right, asked = dict.fromkeys(ways, 0), 0
    for q in questions:
        _, _, sentences = splits.get(q.gold_document, (None, None, []))
        gold = np.array([s.text in q.expected for s in sentences], dtype=bool)
        if not gold.any():
            continue
        asked += 1
        vector = embedder.embed_query(q.question)
        alone, context = (m @ vector for m in views[q.gold_document])
        own, around = late[q.gold_document]
        pooled_own = np.array(
            [v @ vector if v is not None else alone[i] for i, v in enumerate(own)]
        )
        pooled_ctx = np.array([v @ vector if v is not None else context[i]
                               for i, v in enumerate(around)])  # fmt: skip
        scores = [alone, context, alone + context, pooled_own, pooled_ctx, pooled_own + pooled_ctx]
        for way, score in zip(ways, scores):
            right[way] += bool(gold[int(np.argmax(score))])

    unpooled = sum(v is None for own, _ in late.values() for v in own)
    print(f"WikiQA dev: {asked} questions with an answer sentence in their document; "
          f"{unpooled} sentences in no single chunk fall back to the view's vector\n")  # fmt: skip
    print("| cosine of | within-document acc@1 |\n| --- | --- |")
    for way in ways:
        print(f"| {way} | {right[way] / asked:.3f} |")
    print(f"\nembedding: one pass over the chunks {late_s:.1f} s; the two views {views_s:.1f} s")
    print_reproduce(__spec__.name, one_thread=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
