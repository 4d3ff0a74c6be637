"""Fit the quote ranker's weights on a mix of question sets.

Every question of every set is ranked by the current code; each candidate sentence keeps
its features and whether it holds the answer.
- Ranker weights: fitted listwise (a softmax over each answerable question's candidates,
  features standardised, L2-penalised) on WikiQA dev and XQuAD dev together, each set
  weighted equally so that neither data set's style of question decides the weights, and
  checked by 5-fold cross-validation over questions (the figures to quote).
The confidence over the ranking's evidence is fitted by training/fit_confidence.py.

    .venv/bin/python -m training.fit_weights [--wikiqa bench/data/wikiqa-dev.tsv]
        [--xquad bench/data/xquad-en-dev.json] [--workdir DIR] [--l2 0.1]

WikiQA is not redistributed with this repository: see bench/data/README.md for where to
get it. Prints WEIGHTS to paste into qa/answer/ranker.py.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.answer.ranker import FEATURES, WEIGHTS
from qa.build.build import build_index
from qa.evaluation.datasets import prepare_question_set
from qa.evaluation.metrics import sentence_right
from qa.runtime import Runtime, build_embedder
from qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"  # the question sets and bench/data


@dataclass
class Question:
    group: str  # which set: its weight in the fit
    features: np.ndarray  # candidates x FEATURES
    labels: np.ndarray  # 1.0 where the candidate holds the answer
    answerable: bool


def collect(path: Path, group: str, work: Path, settings: Settings, embedder) -> list[Question]:
    qset, asked = prepare_question_set(path, work / path.stem, settings, embedder)
    service = Runtime.build(asked, embedder).service
    out = []
    for item in qset.questions:
        ranking = service.rank(item.question)
        if not ranking.ranked:
            continue
        reader = ranking.reader
        x = np.array([[s.features[n] for n in FEATURES] for s in ranking.ranked])
        y = np.array([float(sentence_right(item, reader, s.row)) for s in ranking.ranked])
        out.append(Question(group, x, y, bool(item.expected)))
    print(f"{path}: {len(out)} questions ranked", flush=True)
    return out


def group_weights(qs: list[Question]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for q in qs:
        counts[q.group] = counts.get(q.group, 0) + 1
    return {g: len(qs) / (len(counts) * n) for g, n in counts.items()}


def fit_ranker(train: list[Question], l2: float) -> np.ndarray:
    """Listwise softmax fit over the answerable questions, each set weighted equally."""
    lists = [q for q in train if q.labels.any()]
    weight = group_weights(lists)
    stacked = np.vstack([q.features for q in lists])
    mu, sd = stacked.mean(0), stacked.std(0) + 1e-9
    prepared = [((q.features - mu) / sd, q.labels / q.labels.sum(), weight[q.group]) for q in lists]
    w = np.zeros(stacked.shape[1])  # in standardised units
    for _ in range(600):
        grad = np.zeros_like(w)
        for xs, target, a in prepared:
            z = xs @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            grad += a * ((p - target) @ xs)
        w -= 0.5 * (grad / len(prepared) + l2 * w)
    return w / sd


def top_right(q: Question, w: np.ndarray) -> bool:
    return bool(q.labels[int(np.argmax(q.features @ w))] > 0)


def folds(n: int, k: int = 5, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(k, size=n)


def cross_validated_ranker(qs: list[Question], l2: float) -> dict[str, float]:
    fold = folds(len(qs))
    right: dict[str, list[bool]] = {}
    for k in range(5):
        w = fit_ranker([q for q, f in zip(qs, fold) if f != k], l2)
        for q, f in zip(qs, fold):
            if f == k and q.answerable:
                right.setdefault(q.group, []).append(top_right(q, w))
    return {g: float(np.mean(v)) for g, v in right.items()}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--wikiqa", type=Path, default=BENCH / "data" / "wikiqa-dev.tsv")
    parser.add_argument("--xquad", type=Path, default=BENCH / "data" / "xquad-en-dev.json")
    parser.add_argument("--article", type=Path, default=BENCH / "article_questions.jsonl")
    parser.add_argument("--outside", type=Path, default=BENCH / "out_of_corpus.jsonl")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="the article's corpus")
    parser.add_argument("--workdir", type=Path, help="keep the corpora and indexes here")
    parser.add_argument("--l2", type=float, default=0.1, help="ranker weights' L2 penalty")
    args = parser.parse_args()
    if not args.wikiqa.is_file():
        parser.error(f"{args.wikiqa} not found; bench/data/README.md says where to get WikiQA")
    with tempfile.TemporaryDirectory(prefix="fit-") as tmp:
        work = args.workdir or Path(tmp)
        settings = Settings(_env_file=None, corpus_dir=args.corpus, index_dir=work / "article")
        embedder = build_embedder(settings)
        build_index(settings, embedder)  # the article's own questions ask its index
        qs = collect(args.wikiqa, "wikiqa", work, settings, embedder)
        qs += collect(args.xquad, "xquad", work, settings, embedder)
        own = collect(args.article, "article+out", work, settings, embedder)
        own += collect(args.outside, "article+out", work, settings, embedder)
    current = np.array([WEIGHTS.get(n, 0.0) for n in FEATURES])
    w = fit_ranker(qs, args.l2)
    for label, weights in (("current weights", current), ("fitted weights ", w)):
        accs = {
            g: np.mean([top_right(q, weights) for q in qs + own if q.group == g and q.answerable])
            for g in ("wikiqa", "xquad", "article+out")
        }
        print(f"{label}: acc@1 " + ", ".join(f"{g} {a:.3f}" for g, a in accs.items()))
    cv = cross_validated_ranker(qs, args.l2)
    print("5-fold cross-validated acc@1: " + ", ".join(f"{g} {a:.3f}" for g, a in cv.items()))
    print("WEIGHTS = {")
    for name, value in zip(FEATURES, w):
        print(f'    "{name}": {value:.3f},')
    print("}")
    print("reproduce:", shlex.join([sys.executable, *sys.argv]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
