"""Index mechanics at 100k and 1M sentences: search latency and recall@10 against exact
search, a one-document update (time and bytes written), memory, merges.

Real embeddings give the data its shape: the sentences of the XQuAD dev paragraphs and
the SQuAD training fragments are embedded with the bundled model, and the XQuAD questions
are the queries. The bulk vectors are drawn around those real sentence vectors by a
deterministic stand-in embedder (embedding a million real texts takes about an hour here).
The corpus is real files on disk and every step goes through qa-bot's own code: segment
writing, loading, search, the document writer, merges.

    .venv/bin/python -m bench.scale [--sizes 100000,1000000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import statistics
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from harness.reproduce import print_reproduce
from qa.build.build import build_index, chunking_of, storage_of
from qa.build.contents import split_document
from qa.corpus.chunker import Chunker
from qa.corpus.loader import load_bytes
from qa.corpus.sentences import split_spans
from qa.index import layout, store, vectors
from qa.index.manifest import Counts, Manifest, SegmentRef
from qa.index.segment import SegmentData, write_segment
from qa.index.views import SENTENCES, VECTOR_FILES
from qa.model.tokens import TokenPass
from qa.runtime import Runtime, build_embedder
from qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
XQUAD = ROOT / "bench" / "data" / "xquad-en-dev.json"
SQUAD = ROOT / "bench" / "data" / "squad-train-fragments.jsonl"
SIGMA = 0.6  # noise around a real vector: cosine to it about 0.86, like a paraphrase
SENTENCES_PER_DOC = 50
NPROBES = (8, 16, 32, 64)
QUERIES = 300


def real_vectors(work: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Real sentence vectors, real question vectors and the sentences (cached in ``work``)."""
    cached = work / "real.npz"
    texts = _real_sentences()
    if cached.exists():
        saved = np.load(cached)
        return saved["sentences"], saved["questions"], texts
    xquad = json.loads(XQUAD.read_text())["data"]
    questions = [q["question"] for a in xquad for p in a["paragraphs"] for q in p["qas"]]
    embedder = build_embedder(Settings(_env_file=None, torch_threads=1))
    started = time.perf_counter()
    sentence_vectors = embedder.embed(texts)
    question_vectors = embedder.embed(questions)
    print(
        f"embedded {len(texts) + len(questions)} real texts in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    np.savez(cached, sentences=sentence_vectors, questions=question_vectors)
    return sentence_vectors, question_vectors, texts


def _real_sentences() -> list[str]:
    paragraphs = [
        p["context"] for a in json.loads(XQUAD.read_text())["data"] for p in a["paragraphs"]
    ]
    paragraphs += [json.loads(line)["context"] for line in SQUAD.read_text().splitlines()[:300]]
    return [p[s:e] for p in paragraphs for s, e in split_spans(p)]


class StandIn:
    """Deterministic vectors drawn around real sentence vectors (an Embedder)."""

    name = "standin-around-minilm"

    def __init__(self, centres: np.ndarray) -> None:
        self.centres = centres
        self.dimensions = centres.shape[1]

    def draw(self, n: int, seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        out = np.empty((n, self.dimensions), dtype=np.float32)
        for start in range(0, n, 100_000):
            m = min(100_000, n - start)
            picked = self.centres[rng.integers(0, len(self.centres), m)]
            noise = rng.standard_normal((m, self.dimensions)).astype(np.float32)
            block = picked + SIGMA * noise / np.sqrt(self.dimensions)
            out[start : start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
        return out

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        seeds = [int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little") for t in texts]
        return np.concatenate([self.draw(1, s) for s in seeds]) if texts else self.draw(0, 0)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def embed_tokens(self, texts: list[str]) -> list[TokenPass]:
        """A drawn vector per whitespace-separated token, for pooled views."""
        out = []
        for text in texts:
            spans = [m.span() for m in re.finditer(r"\S+", text)]
            vectors = self.embed([text[a:b] for a, b in spans])
            out.append(TokenPass(vectors, np.array(spans, dtype=np.int64).reshape(-1, 2)))
        return out


def _timed_queries(search, queries: np.ndarray) -> tuple[list[float], list[list[int]]]:
    times, found = [], []
    for q in queries:
        started = time.perf_counter()
        rows = search(q)
        times.append((time.perf_counter() - started) * 1000)
        found.append(rows)
    return times, found


def _recall(found: list[list[int]], truth: np.ndarray) -> float:
    return float(np.mean([len(set(f[:10]) & set(t[:10])) / 10 for f, t in zip(found, truth)]))


def _p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def ann_table(standin: StandIn, queries: np.ndarray, sizes: list[int], work: Path) -> None:
    """Flat vs IVF on the searched view at each size, through qa.index.vectors."""
    print("\nsearch on one view, single query, 1 thread (ms); recall@10 against exact fp32")
    print("| rows | index | build s | median ms | p95 ms | recall@10 |")
    print("|---:|---|---:|---:|---:|---:|")
    for n in sizes:
        base = standin.draw(n, seed=n)
        exact = faiss.IndexFlatIP(base.shape[1])
        exact.add(base)
        _, truth = exact.search(queries, 10)
        del exact
        kinds = [("flat fp16", vectors.Storage("fp16", ivf_threshold=n + 1), 0)]
        kinds += [
            (f"ivf fp16 nprobe {p}", vectors.Storage("fp16", ivf_threshold=1, nprobe=p), p)
            for p in NPROBES
        ]
        built = {}
        for label, storage, nprobe in kinds:
            key = "ivf" if nprobe else "flat"
            path = work / f"ann-{n}-{key}.faiss"
            seconds = 0.0
            if key not in built:
                started = time.perf_counter()
                vectors.write_searchable(vectors.build_searchable(base, storage), path)
                built[key] = time.perf_counter() - started
                seconds = built[key]
            searchable = vectors.Searchable(path, nprobe or 1)
            times, found = _timed_queries(
                lambda q, s=searchable: [r for r, _ in s.search(q, 10)], queries
            )
            print(
                f"| {n:,} | {label} | {seconds:.1f} | {statistics.median(times):.2f} | "
                f"{_p95(times):.2f} | {_recall(found, truth):.3f} |",
                flush=True,
            )
            del searchable
        for key in built:
            (work / f"ann-{n}-{key}.faiss").unlink()


def write_corpus(settings: Settings, sentences: list[str], n_sentences: int) -> list[Path]:
    """Text files of SENTENCES_PER_DOC real sentences each, n_sentences in all."""
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    paths = []
    for d in range(n_sentences // SENTENCES_PER_DOC):
        picked = rng.integers(0, len(sentences), SENTENCES_PER_DOC)
        body = " ".join(sentences[i] for i in picked)
        path = settings.corpus_dir / f"d{d // 1000:03d}" / f"doc-{d:06d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"Report {d}\n\n{body}\n", encoding="utf-8")
        paths.append(path)
    return paths


def base_segment(settings: Settings, standin: StandIn, paths: list[Path]) -> tuple[float, int]:
    """Parse and split the corpus with qa-bot's own code, write it as one segment with
    stand-in vectors and publish it; returns (seconds to write the segment, sentences)."""
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    documents, chunks, sentences = [], [], []
    for path in paths:
        document = load_bytes(path.relative_to(settings.corpus_dir).as_posix(), path.read_bytes())
        doc_chunks, doc_sentences = split_document(document, chunker)
        documents.append(document)
        chunks += doc_chunks
        sentences += doc_sentences
    counts = {"chunks": len(chunks), "sentences": len(sentences)}

    def view_vectors(view: str) -> np.ndarray:
        rows = counts["chunks"] if view == "chunks" else counts["sentences"]
        return standin.draw(rows, seed=VECTOR_FILES.index(view))

    started = time.perf_counter()
    segment = write_segment(
        settings.index_dir,
        SegmentData(documents, chunks, sentences, view_vectors),
        standin.name,
        storage_of(settings),
    )
    seconds = time.perf_counter() - started
    version = layout.new_version_id()
    tmp = layout.tmp_folder(settings.index_dir, version)
    store.write_version(
        tmp,
        Manifest(
            version=version,
            model=standin.name,
            dimensions=standin.dimensions,
            chunking=chunking_of(settings),
            counts=Counts(len(documents), len(chunks), len(sentences)),
            built_at="",
            views=VECTOR_FILES,
            segments=(SegmentRef(segment),),
        ),
    )
    layout.publish(settings.index_dir, tmp, version)
    return seconds, len(sentences)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _written_bytes() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("write_bytes:"):
            return int(line.split()[1])
    return 0


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def segment_run(
    settings: Settings, standin: StandIn, queries: np.ndarray, sentences: list[str], n: int
) -> None:
    print(f"\n## {n:,} sentences through the segmented index", flush=True)
    if layout.current_version(settings.index_dir):
        print(f"reusing the corpus and index in {settings.index_dir.parent}")
    else:
        started = time.perf_counter()
        paths = write_corpus(settings, sentences, n)
        print(f"corpus: {len(paths):,} files written in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        segment_seconds, rows = base_segment(settings, standin, paths)
        print(
            f"parse + split + write one segment of {rows:,} sentences: "
            f"{time.perf_counter() - started:.0f} s (writing {segment_seconds:.0f} s)",
            flush=True,
        )
    before = _rss_mb()
    started = time.perf_counter()
    runtime = Runtime.build(settings, standin)
    reader = runtime.live.current()
    print(
        f"load: {time.perf_counter() - started:.1f} s; resident memory {_rss_mb():.0f} MB "
        f"(+{_rss_mb() - before:.0f} MB); vectors held in memory "
        f"{reader.vector_bytes / 2**20:.0f} MB ({settings.vector_storage}; the views read "
        "only for cosines are mapped from disk)",
        flush=True,
    )

    searchable = reader.parts[0].segment.searchable[SENTENCES]
    exact = faiss.IndexFlatIP(standin.dimensions)
    exact.add(searchable.all())
    _, truth = exact.search(queries, 10)
    del exact
    times, found = _timed_queries(
        lambda q: [r for r, _ in reader.dense_search(SENTENCES, q, 10)], queries
    )
    print(
        f"dense search (sentences view, {searchable.index.__class__.__name__}): median "
        f"{statistics.median(times):.2f} ms, p95 {_p95(times):.2f} ms, recall@10 "
        f"{_recall(found, truth):.3f} against exact search",
        flush=True,
    )

    updates, written, disk = [], [], []
    for i in range(5):
        text = " ".join(sentences[(i * 7 + j) % len(sentences)] for j in range(SENTENCES_PER_DOC))
        io_before = _written_bytes()
        started = time.perf_counter()
        result = runtime.writer.add_text(f"Update {i} {time.time_ns()}", text)
        updates.append(time.perf_counter() - started)
        written.append(_written_bytes() - io_before)
        current = runtime.live.current()
        newest = layout.segments_dir(settings.index_dir) / current.manifest.segments[-1].id
        disk.append(_folder_bytes(newest))
        assert result.index_version == current.version
    print(
        f"add one document of {SENTENCES_PER_DOC} sentences (upload path: write, embed, "
        f"new segment, publish, reload): median {statistics.median(updates):.2f} s "
        f"(runs {', '.join(f'{t:.2f}' for t in updates)}); bytes written median "
        f"{statistics.median(written) / 2**20:.1f} MB (by the process, /proc/self/io), "
        f"new segment {statistics.median(disk) / 2**20:.2f} MB",
        flush=True,
    )

    doc_id = runtime.live.current().parts[0].segment._docs[3].id
    started = time.perf_counter()
    runtime.writer.delete(doc_id)
    print(f"delete one document: {time.perf_counter() - started:.2f} s", flush=True)

    started = time.perf_counter()
    report = build_index(settings, standin, optimize=True)
    print(
        f"merge everything (qa index --optimize): {report.merged} segments into one in "
        f"{time.perf_counter() - started:.0f} s, {report.sentences:,} sentences",
        flush=True,
    )
    runtime.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument(
        "--workdir", type=Path, help="keep the corpus, index and real vectors (reused if there)"
    )
    parser.add_argument("--skip-ann", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    vectors.set_threads(1)
    with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        centres, questions, sentences = real_vectors(work)
        queries = questions[:QUERIES]
        standin = StandIn(centres)
        print(f"real vectors: {len(centres)} sentences, {len(queries)} questions as queries")
        if not args.skip_ann:
            ann_table(
                standin, queries, [s for s in (10_000, 30_000) if s < max(sizes)] + sizes, work
            )
        for n in sizes:
            run = work / f"run-{n}"
            settings = Settings(
                _env_file=None, corpus_dir=run / "corpus", index_dir=run / "index", torch_threads=1
            )
            segment_run(settings, standin, queries, sentences, n)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\npeak resident memory of the whole run: {peak:.0f} MB; pid {os.getpid()}")
    print_reproduce(__spec__.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
