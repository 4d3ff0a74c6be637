"""Which lexical engine: SQLite FTS5 (what the index uses) against bm25s, on WikiQA dev.

Both engines see the same chunks with the same analysed terms (title + chunk text through
qa.index.lexical.analyze) and the same questions. For each engine alone, dense alone, and each
engine fused with dense by reciprocal rank (as qa.answer.retriever does), it prints document
hit@1, hit@5 and MRR over all questions (every WikiQA question names its document), the
median time per query, and the time to (re)build the lexical index over every chunk.

    .venv/bin/pip install -e '.[bench]'   # bm25s; only this benchmark needs it
    .venv/bin/python -m bench.lexical [--tsv bench/data/wikiqa-dev.tsv] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import bm25s
import numpy as np

from bench.workspace import wikiqa_index
from harness.reproduce import print_reproduce
from qa.answer.retriever import CANDIDATES, fuse
from qa.index.lexical import analyze, chunk_terms
from qa.index.store import VersionReader

Ranked = list[tuple[int, float]]


def fts5(
    reader: VersionReader, terms_by_chunk: list[list[str]]
) -> tuple[Callable[[list[str]], Ranked], float]:
    """Queries go to the index's own FTS5 table; an in-memory copy of it times the build."""
    started = time.perf_counter()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(terms, tokenize = 'unicode61')")
    with db:
        db.executemany(
            "INSERT INTO fts(rowid, terms) VALUES (?, ?)",
            [(i, " ".join(t)) for i, t in enumerate(terms_by_chunk)],
        )
    built = time.perf_counter() - started
    db.close()
    return (lambda terms: reader.lexical_search(terms, CANDIDATES)), built


def bm25s_engine(terms_by_chunk: list[list[str]]) -> tuple[Callable[[list[str]], Ranked], float]:
    started = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(terms_by_chunk, show_progress=False)
    built = time.perf_counter() - started
    vocabulary = retriever.vocab_dict
    k = min(CANDIDATES, len(terms_by_chunk))

    def search(terms: list[str]) -> Ranked:
        known = [t for t in terms if t in vocabulary]
        if not known:
            return []
        rows, scores = retriever.retrieve([known], k=k, show_progress=False)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if s > 0]

    return search, built


def document_ranks(reader: VersionReader, ranked: Ranked) -> list[str]:
    docs: list[str] = []
    for row, _ in ranked:
        doc = reader.chunks[row].document_id
        if doc not in docs:
            docs.append(doc)
    return docs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tsv", type=Path, default=Path("bench/data/wikiqa-dev.tsv"))
    parser.add_argument("--workdir", type=Path, help="keep the corpus and index here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lexical-") as tmp:
        work = args.workdir or Path(tmp)
        wikiqa = wikiqa_index(args.tsv, work)
        questions, embedder = wikiqa.questions, wikiqa.embedder
        reader = wikiqa.service().live.current()
        titles = {d.id: d.title for d in reader.documents.values()}
        terms_by_chunk = [chunk_terms(titles[c.document_id], c.text) for c in reader.chunks]
        engines = {
            "SQLite FTS5": fts5(reader, terms_by_chunk),
            "bm25s": bm25s_engine(terms_by_chunk),
        }
        vectors = embedder.embed([q.question for q in questions])
        systems: dict[str, list[list[str]]] = {}
        query_ms: dict[str, list[float]] = {name: [] for name in engines}
        dense = [reader.dense_search("chunks", v, CANDIDATES) for v in vectors]
        systems["dense alone"] = [document_ranks(reader, d) for d in dense]
        for name, (search, _) in engines.items():
            alone, fused = [], []
            for q, d in zip(questions, dense):
                terms = analyze(q.question)
                started = time.perf_counter()
                lexical = search(terms)
                query_ms[name].append((time.perf_counter() - started) * 1000)
                alone.append(document_ranks(reader, lexical))
                fused.append(document_ranks(reader, [(h.row, h.score) for h in fuse(d, lexical)]))
            systems[f"{name} alone"] = alone
            systems[f"{name} + dense (RRF)"] = fused
    gold = [q.gold_document for q in questions]
    print(f"{len(questions)} questions, {len(reader.chunks)} chunks, {len(titles)} documents")
    print(f"{'system':28} {'doc hit@1':>9} {'hit@5':>6} {'MRR':>6}")
    for name, ranks in systems.items():
        hit1 = np.mean([g in r[:1] for g, r in zip(gold, ranks)])
        hit5 = np.mean([g in r[:5] for g, r in zip(gold, ranks)])
        mrr = np.mean([1 / (r.index(g) + 1) if g in r else 0.0 for g, r in zip(gold, ranks)])
        print(f"{name:28} {hit1:9.3f} {hit5:6.3f} {mrr:6.3f}")
    for name, (_, built) in engines.items():
        print(
            f"{name}: index over all chunks built in {built * 1000:.0f} ms; "
            f"query median {statistics.median(query_ms[name]):.2f} ms"
        )
    print_reproduce(__spec__.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
